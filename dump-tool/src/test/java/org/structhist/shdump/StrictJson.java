package org.structhist.shdump;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for checking shdump's output in tests (no dependency for one check):
 * objects become {@code Map} (key order kept, duplicate keys refused), arrays {@code List}, numbers
 * {@code BigDecimal} (exact, so a timestamp can be compared to the nanosecond), and null Java null.
 * Anything a strict parser would refuse (trailing commas, bare control characters in strings, leading
 * zeros, text after the value) throws {@link IllegalArgumentException} with the offset.
 */
final class StrictJson
{
    private final String text;
    private int at;

    private StrictJson(final String text)
    {
        this.text = text;
    }

    static Object parse(final String text)
    {
        final StrictJson parser = new StrictJson(text);
        parser.whitespace();
        final Object value = parser.value();
        parser.whitespace();
        if (parser.at != text.length())
        {
            throw parser.error("text after the value");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String text)
    {
        final Object value = parse(text);
        if (!(value instanceof Map))
        {
            throw new IllegalArgumentException("not a JSON object: " + text);
        }
        return (Map<String, Object>)value;
    }

    private Object value()
    {
        if (at >= text.length())
        {
            throw error("a value expected, end of text found");
        }
        final char c = text.charAt(at);
        switch (c)
        {
            case '{': return objectValue();
            case '[': return arrayValue();
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> objectValue()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        at++;
        whitespace();
        if (peek() == '}')
        {
            at++;
            return map;
        }
        while (true)
        {
            whitespace();
            if (peek() != '"')
            {
                throw error("a member name expected");
            }
            final String key = string();
            whitespace();
            expect(':');
            whitespace();
            if (map.containsKey(key))
            {
                throw error("duplicate key '" + key + "'");
            }
            map.put(key, value());
            whitespace();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> arrayValue()
    {
        final List<Object> list = new ArrayList<>();
        at++;
        whitespace();
        if (peek() == ']')
        {
            at++;
            return list;
        }
        while (true)
        {
            whitespace();
            list.add(value());
            whitespace();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder sb = new StringBuilder();
        while (true)
        {
            if (at >= text.length())
            {
                throw error("unterminated string");
            }
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw error("bare control character in a string");
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char e = at < text.length() ? text.charAt(at++) : 0;
            switch (e)
            {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u':
                    if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9a-fA-F]{4}"))
                    {
                        throw error("bad \\u escape");
                    }
                    sb.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default:
                    throw error("bad escape \\" + e);
            }
        }
    }

    private BigDecimal number()
    {
        final int start = at;
        if (peek() == '-')
        {
            at++;
        }
        if (peek() == '0')
        {
            at++;
        }
        else if (!digits())
        {
            throw error("digits expected");
        }
        if (peek() == '.')
        {
            at++;
            if (!digits())
            {
                throw error("digits expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E')
        {
            at++;
            if (peek() == '+' || peek() == '-')
            {
                at++;
            }
            if (!digits())
            {
                throw error("digits expected in the exponent");
            }
        }
        return new BigDecimal(text.substring(start, at));
    }

    private boolean digits()
    {
        final int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9')
        {
            at++;
        }
        return at > start;
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, at))
        {
            throw error(word + " expected");
        }
        at += word.length();
        return value;
    }

    private void whitespace()
    {
        while (at < text.length() && " \t\n\r".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
    }

    private char peek()
    {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "' expected");
        }
        at++;
    }

    private IllegalArgumentException error(final String what)
    {
        final int from = Math.max(0, at - 30);
        return new IllegalArgumentException("invalid JSON at offset " + at + ": " + what + " (near '" +
            text.substring(from, Math.min(text.length(), at + 30)) + "')");
    }
}
