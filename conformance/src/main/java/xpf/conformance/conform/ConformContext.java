package xpf.conformance.conform;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import xpf.model.scenario.XenProfile;
import xpf.sim.cli.Shard;

/**
 * What a conformance run asks of each part.
 *
 * @param root     the repository root (the corpus is at root/conformance/scenarios)
 * @param results  the Allure results folder every part writes into
 * @param only     the areas to run ({@code pv svm vmx hap x86 xsa}); empty = all
 * @param profile  only scenarios of this Xen profile; null = all
 * @param deep     the deep run (many more property tries; the full matrix)
 * @param shard    this run's share of every part's work
 * @param err      progress and messages
 */
public record ConformContext(Path root, Path results, Set<String> only, XenProfile profile, boolean deep, Shard shard,
        PrintWriter err) {

    public static final Set<String> AREAS = Set.of("pv", "svm", "vmx", "hap", "x86", "xsa");

    public boolean wants(String area) {
        return only.isEmpty() || only.contains(area);
    }
}
