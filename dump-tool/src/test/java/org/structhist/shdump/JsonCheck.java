package org.structhist.shdump;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser, enough to check that each line shdump prints with --json is one JSON value
 * and to look at its fields: objects become maps, arrays lists, numbers {@code Long} or {@code Double}.
 */
final class JsonCheck
{
    private final String text;
    private int at;

    private JsonCheck(final String text)
    {
        this.text = text;
    }

    /** Parses {@code text} as exactly one JSON value; throws IllegalArgumentException saying where it is not. */
    static Object parse(final String text)
    {
        final JsonCheck parser = new JsonCheck(text);
        final Object value = parser.value();
        parser.space();
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
        space();
        if (at >= text.length())
        {
            throw error("value expected");
        }
        final char c = text.charAt(at);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}')
        {
            at++;
            return map;
        }
        while (true)
        {
            space();
            if (peek() != '"')
            {
                throw error("member name expected");
            }
            final String name = string();
            space();
            expect(':');
            if (map.put(name, value()) != null)
            {
                throw error("duplicate member " + name);
            }
            space();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        at++;
        space();
        if (peek() == ']')
        {
            at++;
            return list;
        }
        while (true)
        {
            list.add(value());
            space();
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
        final StringBuilder sb = new StringBuilder();
        at++;
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
                throw error("control character in a string");
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
                    if (at + 4 > text.length())
                    {
                        throw error("short \\u escape");
                    }
                    sb.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default:
                    throw error("bad escape");
            }
        }
    }

    private Object number()
    {
        final int start = at;
        if (peek() == '-')
        {
            at++;
        }
        if (!Character.isDigit(peek()))
        {
            throw error("number expected");
        }
        if (peek() == '0')
        {
            at++;
        }
        else
        {
            digits();
        }
        boolean integral = true;
        if (peek() == '.')
        {
            integral = false;
            at++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E')
        {
            integral = false;
            at++;
            if (peek() == '+' || peek() == '-')
            {
                at++;
            }
            digits();
        }
        final String number = text.substring(start, at);
        return integral ? (Object)Long.parseLong(number) : (Object)Double.parseDouble(number);
    }

    private void digits()
    {
        if (!Character.isDigit(peek()))
        {
            throw error("digit expected");
        }
        while (Character.isDigit(peek()))
        {
            at++;
        }
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

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "' expected");
        }
        at++;
    }

    private char peek()
    {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void space()
    {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException(what + " at " + at + " in: " + text);
    }
}
