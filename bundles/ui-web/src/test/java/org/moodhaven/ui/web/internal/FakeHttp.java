package org.moodhaven.ui.web.internal;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Just enough of a servlet request and response to call a servlet directly, as the HTTP whiteboard would. */
final class FakeHttp {

    static final int PORT = 8080;

    private FakeHttp() {
    }

    /** A request to the node on 127.0.0.1:{@value #PORT}; headers are name, value pairs. */
    static HttpServletRequest request(String method, String servletPath, String pathInfo, String query,
                                      String... headers) {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("host", "127.0.0.1:" + PORT);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                named.remove(headers[i].toLowerCase(Locale.ROOT));
            } else {
                named.put(headers[i].toLowerCase(Locale.ROOT), headers[i + 1]);
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                parameters.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "getQueryString" -> query;
                    case "getLocalPort" -> PORT;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getHeader" -> named.get(((String) args[0]).toLowerCase(Locale.ROOT));
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getCookies" -> cookies(named.get("cookie"));
                    case "toString" -> method + " " + servletPath + pathInfo;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static Cookie[] cookies(String header) {
        if (header == null) {
            return null;
        }
        List<Cookie> cookies = new ArrayList<>();
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                cookies.add(new Cookie(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip()));
            }
        }
        return cookies.toArray(new Cookie[0]);
    }

    /** What a servlet answered. */
    static final class Answer {
        int status = 200;
        String contentType;
        String characterEncoding;
        int contentLength = -1;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final HttpServletResponse response;

        Answer() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(int b) {
                    body.write(b);
                }
            };
            response = (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                        switch (m.getName()) {
                            case "setStatus", "sendError" -> status = (Integer) args[0];
                            case "setContentType" -> contentType = (String) args[0];
                            case "setCharacterEncoding" -> characterEncoding = (String) args[0];
                            case "setContentLength" -> contentLength = (Integer) args[0];
                            case "setHeader" -> headers.put(key(args[0]), new ArrayList<>(List.of((String) args[1])));
                            case "addHeader" -> headers.computeIfAbsent(key(args[0]), k -> new ArrayList<>())
                                    .add((String) args[1]);
                            case "getOutputStream" -> {
                                return out;
                            }
                            case "containsHeader" -> {
                                return headers.containsKey(key(args[0]));
                            }
                            case "getHeader" -> {
                                List<String> values = headers.get(key(args[0]));
                                return values == null ? null : values.get(0);
                            }
                            case "toString" -> {
                                return "response " + status;
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                        return null;
                    });
        }

        private static String key(Object name) {
            return ((String) name).toLowerCase(Locale.ROOT);
        }

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
