package app.clivy.aiworker.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/** A WireMock server on a free port, started on first use and shared by every test of the JVM. */
final class LazyWireMockServer {

    private final WireMockServer server;

    LazyWireMockServer(int threads) {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(threads).jettyAcceptors(2));
    }

    synchronized WireMockServer get() {
        if (!server.isRunning()) {
            server.start();
        }
        return server;
    }

    String baseUrl() {
        return "http://localhost:" + get().port();
    }
}
