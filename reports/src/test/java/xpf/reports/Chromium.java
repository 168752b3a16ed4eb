package xpf.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (the Debian package) driven by its command line only: {@code --dump-dom} for what a page shows
 * after its scripts ran, {@code --screenshot} for a picture. Virtual time makes the scripts' timers run to the end
 * of the budget before the dump. Every run gets a fresh profile folder; network features that would reach out are
 * switched off (the pages come from 127.0.0.1 or file://).
 */
final class Chromium {

    private final Path binary;
    private final Path work;
    private int runs;

    private Chromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /** The browser: {@code -Dxpf.chromium=PATH}, else /usr/bin/chromium; fails with the install hint if absent. */
    static Chromium find(Path work) {
        String p = System.getProperty("xpf.chromium", "/usr/bin/chromium");
        Path bin = Path.of(p);
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("the browser check needs Chromium at " + p + ": install it with "
                    + "'apt-get install -y chromium' (Debian), or point -Dxpf.chromium=PATH at it");
        }
        return new Chromium(bin, work);
    }

    String dumpDom(String url) throws IOException, InterruptedException {
        return run(url, "--dump-dom");
    }

    void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(url, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height);
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("chromium wrote no screenshot " + png);
        }
    }

    private String run(String url, String... extra) throws IOException, InterruptedException {
        Path profile = work.resolve("chromium-profile-" + (runs++));
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--mute-audio",
                "--user-data-dir=" + profile.toAbsolutePath(), "--virtual-time-budget=20000"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        Path out = work.resolve("chromium-" + runs + ".out");
        Path err = work.resolve("chromium-" + runs + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 120 s: " + url);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("chromium exited " + p.exitValue() + " on " + url + ":\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
