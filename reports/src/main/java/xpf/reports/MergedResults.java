package xpf.reports;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import xpf.sim.cli.UserError;

/**
 * {@code ./xpf report --results A --results B ...}: the results folders of several runs (the shards of a CI matrix)
 * merged into one folder, which the report is then built from. Allure's result, container and attachment files
 * have unique (UUID) names, so merging is copying; a file name present in two folders (environment.properties,
 * executor.json, categories.json, history files) is the same kind of file, and the later folder's copy wins.
 */
final class MergedResults {

    private MergedResults() {
    }

    static Path merge(List<Path> folders, Path into, PrintWriter err) {
        for (Path f : folders) {
            if (!Files.isDirectory(f)) {
                throw new UserError("report: --results " + f + ": no such folder");
            }
        }
        try {
            if (Files.exists(into)) {
                try (Stream<Path> old = Files.walk(into)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(into);
            int files = 0;
            for (Path f : folders) {
                try (Stream<Path> s = Files.walk(f)) {
                    for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                        Path target = into.resolve(f.relativize(p).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                        files++;
                    }
                }
            }
            err.println("xpf report: merged " + files + " files of " + folders.size() + " results folders into "
                    + into);
            err.flush();
            return into;
        } catch (IOException e) {
            throw new UserError("report: cannot merge the results folders into " + into + ": " + e.getMessage());
        }
    }
}
