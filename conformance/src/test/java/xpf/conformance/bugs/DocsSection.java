package xpf.conformance.bugs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated section of a committed document, between {@code <!-- BEGIN generated:NAME -->} and
 * {@code <!-- END generated:NAME -->}: tests regenerate it under target/ and either rewrite the committed copy (with
 * {@code -Dxpf.docs.update=true}) or check that it is current.
 */
public final class DocsSection {
    /** The system property that makes the tests rewrite the committed copies. */
    public static final String UPDATE = "xpf.docs.update";

    private DocsSection() {
    }

    public static Path root() {
        String r = System.getProperty("xpf.root");
        return r == null || r.isBlank() || r.startsWith("$") ? Path.of("..") : Path.of(r);
    }

    public static boolean updating() {
        return Boolean.getBoolean(UPDATE);
    }

    static String begin(String name) {
        return "<!-- BEGIN generated:" + name + " -->";
    }

    static String end(String name) {
        return "<!-- END generated:" + name + " -->";
    }

    /** The text between the markers, or null when the document has no such section. */
    public static String read(Path doc, String name) {
        String text = readFile(doc);
        int b = text.indexOf(begin(name));
        int e = text.indexOf(end(name));
        if (b < 0 || e < b) {
            return null;
        }
        return text.substring(b + begin(name).length(), e).strip() + "\n";
    }

    /** Replaces the text between the markers (which must exist). */
    public static void write(Path doc, String name, String content) {
        String text = readFile(doc);
        int b = text.indexOf(begin(name));
        int e = text.indexOf(end(name));
        if (b < 0 || e < b) {
            throw new IllegalStateException(doc + " has no " + begin(name) + " ... " + end(name) + " section");
        }
        String out = text.substring(0, b + begin(name).length()) + "\n" + content.strip() + "\n" + text.substring(e);
        try {
            Files.writeString(doc, out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static void writeTarget(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String readFile(Path doc) {
        try {
            return Files.readString(doc);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
