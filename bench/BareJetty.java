// Baseline for bench/http-bench.sh: a bare Jetty 11 server answering every request with the bytes of a
// ready aman's GET /health/ready, so the benchmark can tell Jetty's own cost from aman's (Javalin, request
// pipeline, auth, JSON). Single-file program, not part of the build:
//
//   java -cp target/aman-all.jar bench/BareJetty.java PORT      (PORT 0 picks a free port)
//
// Prints "bare-jetty listening on http://127.0.0.1:PORT" once serving; stops on SIGTERM/SIGINT.

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;

public final class BareJetty {
    private static final byte[] BODY = "{\"status\":\"ok\",\"phase\":5,\"degraded\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp target/aman-all.jar bench/BareJetty.java PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);

        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // aman does not send a Server header either
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setStatus(200);
                response.setContentType(CONTENT_TYPE);
                response.setContentLength(BODY.length);
                response.getOutputStream().write(BODY);
                base.setHandled(true);
            }
        });
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("bare-jetty listening on http://127.0.0.1:" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
