package org.tpsweep.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Safe by default (issue 12 item 7): the Spark UI answers this machine only unless {@code --ui-host} opens it, also
 * when TpSweep is started directly; the driver's Hadoop configuration carries the {@code spark.hadoop.*} settings.
 */
class UiAndHadoopConfTest {
    private static final String FILTER = LoopbackOnlyUiFilter.class.getName();

    private static Map<String, String> settings(Map<String, String> given, Map<String, String> env) {
        return SparkSessions.settings("local[2]", given, Map.of(), env, List.of(), "");
    }

    @Test
    void theUiIsFilteredUnlessItListensOnLoopbackOrTheUserOpenedIt() {
        assertEquals(FILTER, settings(Map.of(), Map.of()).get("spark.ui.filters"), "bound to every interface");
        assertEquals(FILTER, settings(Map.of(), Map.of("SPARK_LOCAL_IP", "10.1.2.3")).get("spark.ui.filters"));
        assertNull(settings(Map.of(), Map.of("SPARK_LOCAL_IP", "127.0.0.1")).get("spark.ui.filters"),
                "listening on loopback only: nothing to filter");
        assertNull(settings(Map.of(SparkSessions.UI_HOST_KEY, "0.0.0.0"), Map.of()).get("spark.ui.filters"),
                "--ui-host opens it");
        assertNull(settings(Map.of("spark.ui.enabled", "false"), Map.of()).get("spark.ui.filters"));
        assertEquals("com.example.Auth," + FILTER,
                settings(Map.of("spark.ui.filters", "com.example.Auth"), Map.of()).get("spark.ui.filters"),
                "the user's own filters are kept");
    }

    @Test
    void loopbackAddresses() {
        for (String a : List.of("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost")) {
            assertTrue(LoopbackOnlyUiFilter.isLoopback(a), a);
        }
        for (String a : List.of("10.0.0.1", "0.0.0.0", "192.168.1.20", "example.org", "")) {
            assertFalse(LoopbackOnlyUiFilter.isLoopback(a), a);
        }
    }

    /** The filter itself: this machine's requests pass, another host's get 403. */
    @Test
    void theFilterAnswersLoopbackClientsOnly() throws Exception {
        assertEquals(List.of("passed"), filter("127.0.0.1"));
        assertEquals(List.of("passed"), filter("0:0:0:0:0:0:0:1"));
        assertEquals(List.of("sendError 403"), filter("192.0.2.2"));
    }

    /** What the filter did with a request from {@code remote}: passed it on, or sent an error. */
    private static List<String> filter(String remote) throws Exception {
        List<String> done = new ArrayList<>();
        ServletRequest request = (ServletRequest) Proxy.newProxyInstance(getClass0().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> m.getName().equals("getRemoteAddr") ? remote
                        : null);
        ServletResponse response = (ServletResponse) Proxy.newProxyInstance(getClass0().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    if (m.getName().equals("sendError")) {
                        done.add("sendError " + args[0]);
                    }
                    return null;
                });
        new LoopbackOnlyUiFilter().doFilter(request, response, (req, res) -> done.add("passed"));
        return done;
    }

    private static Class<?> getClass0() {
        return UiAndHadoopConfTest.class;
    }

    @Test
    void theDriversHadoopConfigurationCarriesSparkHadoopSettings() {
        System.setProperty("spark.hadoop.tp.test.setting", "from-spark-conf");
        try {
            assertEquals("from-spark-conf", SparkSessions.hadoopConfiguration(null).get("tp.test.setting"));
        } finally {
            System.clearProperty("spark.hadoop.tp.test.setting");
        }
    }

}
