package org.tpsweep.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletResponse;

/**
 * A filter of the Spark UI ({@code spark.ui.filters}) that answers only requests from this machine's loopback
 * address, and 403 to every other client. {@link SparkSessions} installs it whenever the UI's socket is not bound
 * to the loopback address alone (Spark binds it to {@code SPARK_LOCAL_IP}, else to every interface) and the user
 * did not open the UI with {@code --ui-host}.
 */
public final class LoopbackOnlyUiFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (isLoopback(request.getRemoteAddr())) {
            chain.doFilter(request, response);
            return;
        }
        ((HttpServletResponse) response).sendError(HttpServletResponse.SC_FORBIDDEN,
                "the tp-sweep Spark UI answers only on this machine (127.0.0.1); start the run with --ui-host to "
                        + "open it to other hosts");
    }

    /** Whether {@code address} (a literal IP address, or {@code localhost}) is a loopback address. */
    public static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        if (address.equals("localhost")) {
            return true;
        }
        if (!address.matches("[0-9.]+|\\[?[0-9a-fA-F:.%]+]?")) {
            return false;                 // a host name: not resolved here
        }
        try {
            return InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
