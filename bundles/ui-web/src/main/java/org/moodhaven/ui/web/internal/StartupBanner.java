package org.moodhaven.ui.web.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints the link that opens the web UI, token included, once the HTTP server
 * is up. The link goes to the console only: the token is never logged.
 */
@Component(immediate = true)
public final class StartupBanner {

    /** The runtime's service property listing the URLs it serves on. */
    static final String ENDPOINT = "osgi.http.endpoint";

    private static final Logger LOG = LoggerFactory.getLogger(StartupBanner.class);

    /**
     * @param token   the API token
     * @param runtime the HTTP runtime's service properties, for the address actually bound
     * @param api     the API servlet's service properties: the banner waits for the API
     */
    @Activate
    public StartupBanner(@Reference ApiToken token,
                         @Reference(name = "runtime", service = HttpServiceRuntime.class) Map<String, Object> runtime,
                         @Reference(name = "api", service = jakarta.servlet.Servlet.class,
                                 target = "(component.name=org.moodhaven.ui.web.internal.ApiServlet)")
                         Map<String, Object> api) {
        String endpoint = endpoint(runtime.get(ENDPOINT));
        LOG.info("web UI and JSON API at {} (the token is in the data folder's api-token file)", endpoint);
        // The link with the token is for the person at the console only: never the log file (it is secret).
        System.out.println("Web UI and JSON API: " + endpoint + "?token=" + token.value());
    }

    /** The runtime lists its endpoints as a string or an array; the first is the loopback one we bound. */
    static String endpoint(Object value) {
        Object first = value;
        if (value instanceof String[] array && array.length > 0) {
            first = array[0];
        } else if (value instanceof java.util.Collection<?> collection && !collection.isEmpty()) {
            first = collection.iterator().next();
        }
        String url = first == null ? "http://127.0.0.1/" : first.toString();
        return url.endsWith("/") ? url : url + "/";
    }
}
