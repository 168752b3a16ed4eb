package xpf.prop.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import xpf.prop.choice.ChoiceFile;

/**
 * Writes a counterexample's files: the choice file (always) and whatever the property's renderer adds, and builds
 * the replay commands. A renderer that throws costs its file, never the report.
 */
public final class FailureArtifacts {
    /** The files written and the commands that replay them, the engine's command first. */
    public record Written(Path choiceFile, List<Path> files, List<String> replayCommands, List<String> problems) {
    }

    private FailureArtifacts() {
    }

    public static <T> Written write(ChoiceFile facts, Path outputDir, Path projectRoot, T shrunk,
                                    FailureRenderer<? super T> renderer) {
        String base = ReplayCommand.baseName(facts.property());
        Path dir = outputDir.toAbsolutePath().normalize();
        Path choiceFile = dir.resolve(base + ".choices.json");
        Path moduleDir = Path.of(System.getProperty("user.dir"));
        List<String> commands = new ArrayList<>();
        commands.add(ReplayCommand.maven(facts.property(), choiceFile, projectRoot, moduleDir));
        List<Path> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (renderer != null) {
            try {
                Rendering r = renderer.render(shrunk,
                        new FailureContext(facts.property(), facts.seed(), facts.tryIndex(), dir, base));
                files.addAll(r.files());
                commands.addAll(r.replayCommands());
            } catch (IOException | RuntimeException e) {
                problems.add("the failure renderer threw " + e);
            }
        }
        ChoiceFile full = new ChoiceFile(facts.property(), facts.seed(), facts.tryIndex(), facts.choices(),
                facts.original(), facts.shrunk(), facts.failure(), facts.shrinkSteps(), commands);
        try {
            full.write(choiceFile);
        } catch (IOException e) {
            problems.add("could not write " + choiceFile + ": " + e.getMessage());
            return new Written(null, files, List.of(), problems);
        }
        return new Written(choiceFile, files, commands, problems);
    }
}
