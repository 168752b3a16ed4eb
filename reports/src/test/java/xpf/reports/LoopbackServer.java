package xpf.reports;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A static file server for the generated report on 127.0.0.1 only (an ephemeral port), as a person would serve the
 * report folder; {@code /xpf-check.html} is the browser check's harness page from the test resources.
 */
final class LoopbackServer implements AutoCloseable {

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "application/javascript", "css", "text/css", "json", "application/json", "svg", "image/svg+xml", "png",
            "image/png", "txt", "text/plain; charset=utf-8", "yaml", "text/yaml; charset=utf-8", "ico",
            "image/x-icon");

    private final HttpServer server;
    private final Path root;

    LoopbackServer(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = URI.create(ex.getRequestURI().toString()).getPath();
            if (path.equals("/")) {
                path = "/index.html";
            }
            byte[] body;
            if (path.equals("/xpf-check.html")) {
                try (InputStream in = LoopbackServer.class.getResourceAsStream("xpf-check.html")) {
                    body = in.readAllBytes();
                }
            } else {
                Path f = root.resolve(path.substring(1)).normalize();
                if (!f.startsWith(root) || !Files.isRegularFile(f)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                body = Files.readAllBytes(f);
            }
            String ext = path.substring(path.lastIndexOf('.') + 1);
            ex.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
