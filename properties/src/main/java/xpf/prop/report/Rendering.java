package xpf.prop.report;

import java.nio.file.Path;
import java.util.List;

/** What a renderer produced: files and the commands that replay them (e.g. {@code ./xpf replay file.yaml}). */
public record Rendering(List<Path> files, List<String> replayCommands) {
    public Rendering {
        files = List.copyOf(files);
        replayCommands = List.copyOf(replayCommands);
    }

    public static Rendering of(Path file, String replayCommand) {
        return new Rendering(List.of(file), List.of(replayCommand));
    }

    public static Rendering none() {
        return new Rendering(List.of(), List.of());
    }
}
