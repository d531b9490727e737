package org.structhist.shdump.output;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The frame of a self-contained HTML page: its content security policy, its one style sheet and its one
 * script, inline. The policy forbids every fetch ({@code default-src 'none'}: no image, font, frame,
 * connection or form target) and admits only this style sheet and this script by their SHA-256, so no
 * inline handler or injected script or style in a history's text could run even if escaping failed.
 */
final class HtmlPage
{
    static final String STYLE = String.join("\n",
        "body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222;background:#fff}",
        "h1{font-size:18px}h2{font-size:14px;font-family:monospace;margin:24px 0 6px;word-break:break-all}",
        ".chart-row{display:flex;align-items:flex-start;border:1px solid #ccc}",
        ".chart{flex:0 0 auto;cursor:zoom-in}",
        ".lane.even{fill:#f7f7f7}.lane.odd{fill:#fff}.count-band{fill:#f3f6fb}",
        ".lane-name{font:11px monospace;fill:#222}.legend{font:10px sans-serif;fill:#666}",
        ".tick{font:10px monospace;fill:#555}.tick.end{text-anchor:end}",
        ".count-scale{font:10px monospace;fill:#777;text-anchor:end}",
        ".zero{stroke:#bbb;stroke-width:1}",
        ".count{fill:none;stroke:#1f4e9c;stroke-width:2}.count.computed{stroke-dasharray:5 3}",
        ".gap rect{fill:#fff3cd;stroke:#d9b44a;stroke-dasharray:3 3}",
        ".gap text{font:11px sans-serif;fill:#7a5b00;text-anchor:middle}",
        ".m{stroke:#222;stroke-width:.5}.m.ref{fill:#2e9e44}.m.unref{fill:#e8870e}.m.destroy{fill:#111}",
        ".m.handoff-mark{fill:#2f6fdb}.m.other{fill:#aaa}",
        ".anomaly{fill:none;stroke:#d00;stroke-width:2.5}",
        ".culprit{fill:none;stroke:#d00;stroke-width:2;stroke-dasharray:3 2}",
        ".handoff{stroke:#2f6fdb;stroke-width:1.2;fill:none}.arrow-head{fill:#2f6fdb}",
        ".anomalies li{color:#b00;font-family:monospace;white-space:pre-wrap}",
        ".note{color:#7a5b00}.key span{display:inline-block;margin-right:14px}",
        ".sw{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px;vertical-align:middle}",
        ".sw.ref{background:#2e9e44}.sw.unref{background:#e8870e}.sw.destroy{background:#111}",
        ".sw.handoff-mark{background:#2f6fdb}.sw.other{background:#aaa}",
        ".sw.anomaly{border:2px solid #d00;background:none}");

    /**
     * Zooms each chart's time axis with the wheel around the pointer (a double click resets it), by changing
     * the x and width of its viewBox; then says it ran, so a test can tell the policy admitted it.
     */
    static final String SCRIPT = String.join("\n",
        "document.querySelectorAll('svg.chart').forEach(function(s){",
        "var b=s.viewBox.baseVal,w0=b.width;",
        "s.addEventListener('wheel',function(e){e.preventDefault();",
        "var r=s.getBoundingClientRect(),p=b.x+(e.clientX-r.left)/r.width*b.width;",
        "var w=Math.min(w0,Math.max(w0/500,b.width*(e.deltaY<0?0.8:1.25)));",
        "b.x=Math.max(0,Math.min(w0-w,p-(p-b.x)*w/b.width));b.width=w;},{passive:false});",
        "s.addEventListener('dblclick',function(){b.x=0;b.width=w0;});});",
        "document.body.setAttribute('data-script','ran');");

    static final String POLICY = "default-src 'none'; style-src '" + sha256(STYLE) + "'; script-src '" +
        sha256(SCRIPT) + "'; base-uri 'none'; form-action 'none'";

    private HtmlPage()
    {
    }

    /** The page: {@code title} (escaped here) and {@code body}, already safe HTML. */
    static String page(final String title, final CharSequence body)
    {
        return new StringBuilder(body.length() + 4096)
            .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
            .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(POLICY).append("\">\n")
            .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .append("<title>").append(HtmlText.escape(title)).append("</title>\n")
            .append("<style>").append(STYLE).append("</style>\n</head><body>\n")
            .append(body)
            .append("\n<script>").append(SCRIPT).append("</script>\n</body></html>\n")
            .toString();
    }

    private static String sha256(final String text)
    {
        try
        {
            return "sha256-" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }
}
