package xpf.sim.walk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import xpf.sim.cli.ExitCodes;
import xpf.sim.cli.UserError;
import xpf.sim.cli.CommandProvider;

/** {@code xpf walk [FILE|-]}: the JSON-lines walk service of docs/walk-service.md. */
@Command(name = "walk", mixinStandardHelpOptions = true,
        description = {"Answer x86 page-walk cases, one JSON object per line (docs/walk-service.md).",
            "Blank lines and lines starting with # are skipped. A malformed line answers \"status\": \"error\" and "
                + "processing continues."},
        footer = {"", "Exit code: 0 when every line was a valid case, 2 when some line was not (see its error line).",
            "Example: ./xpf walk conformance/scenarios/x86/walk-examples.jsonl"})
public final class WalkCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|-", description = "cases file; '-' or none: stdin")
    String file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        boolean stdin = file == null || file.equals("-");
        PrintWriter out = spec.commandLine().getOut();
        int errors = 0;
        int cases = 0;
        try (BufferedReader in = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                cases++;
                WalkJson.Parsed p = WalkJson.parseLine(t);
                if (p.ok()) {
                    out.println(WalkJson.outcomeLine(p.id(), WalkService.evaluate(p.walkCase())));
                } else {
                    errors++;
                    out.println(WalkJson.errorLine(p.id(), p.error()));
                    spec.commandLine().getErr().println("xpf walk: " + (stdin ? "<stdin>" : file) + ":" + lineNo
                            + ": " + p.error());
                }
                if (stdin) {
                    out.flush();
                }
            }
        } catch (NoSuchFileException e) {
            throw new UserError("walk: no such file: " + file);
        }
        out.flush();
        spec.commandLine().getErr().println("xpf walk: " + cases + " cases, " + errors + " errors");
        return errors == 0 ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }

    /** Registers {@code walk} with the CLI. */
    public static final class Provider extends CommandProvider {
        public Provider() {
            super(WalkCommand::new, 50);
        }
    }
}
