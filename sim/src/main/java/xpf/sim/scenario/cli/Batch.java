package xpf.sim.scenario.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.LoadedScenario;
import xpf.sim.scenario.load.ScenarioLoadException;
import xpf.sim.scenario.load.ScenarioLoader;

/**
 * Loads and runs scenario files for the commands. Bad input anywhere means nothing is reported as a result: every
 * error goes to stderr as {@code FILE:LINE:COLUMN: path: message} and the command exits 2 with stdout empty.
 */
final class Batch {

    /** One file's load and run. */
    record Item(Path path, LoadedScenario loaded, ScenarioRunner.Run run) {
    }

    /** The items, or null when some file was bad input (its errors already printed on {@code err}). */
    static List<Item> loadAndRun(List<Path> files, PrintWriter err, String label) {
        List<Item> items = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        try (xpf.sim.cli.Progress progress = new xpf.sim.cli.Progress("xpf " + label, files.size(), done, err, 100)) {
            for (Path p : files) {
                try {
                    LoadedScenario ls = ScenarioLoader.load(p);
                    items.add(new Item(p, ls, ls.run()));
                } catch (ScenarioLoadException e) {
                    errors.add(e.getMessage());
                }
                done.incrementAndGet();
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(err::println);
            err.println("xpf " + label + ": " + errors.size() + " of " + files.size() + " file"
                    + (files.size() == 1 ? "" : "s") + " not valid; nothing was run");
            err.flush();
            return null;
        }
        return items;
    }

    /** Loads and runs one file (explain, replay). */
    static Item one(String file, PrintWriter err, String label) {
        List<Item> items = loadAndRun(ScenarioFiles.expand(List.of(file), label), err, label);
        if (items == null) {
            return null;
        }
        if (items.size() != 1) {
            throw new xpf.sim.cli.UserError(label + ": give one scenario file, not a directory of "
                    + items.size());
        }
        return items.get(0);
    }
}
