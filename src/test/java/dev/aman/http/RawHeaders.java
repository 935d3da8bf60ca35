package dev.aman.http;

import dev.aman.testing.Aman;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends one request over a plain socket, so that headers can repeat or carry raw UTF-8; returns the status. */
final class RawHeaders {
    private RawHeaders() {
    }

    static int get(Aman aman, String path, String... headers) {
        return send(aman, "GET", path, null, headers);
    }

    static int post(Aman aman, String path, String body, String... headers) {
        return send(aman, "POST", path, body, headers);
    }

    private static int send(Aman aman, String method, String path, String body, String... headers) {
        try (Socket s = new Socket("127.0.0.1", aman.port())) {
            s.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            req.append("Content-Length: ").append(b.length).append("\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Integer.parseInt(status.substring(9, 12));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
