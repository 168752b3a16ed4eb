package xpf.conformance.allure;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Link;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records scenario runs as Allure results whose steps are the Xen call trace (see {@link XenCallTrace}), with the
 * labels and links of {@link ScenarioLabels}, and on failure the attachments a Xen engineer needs: the scenario file,
 * the shrunk scenario and its replay command, the event trace, expected vs actual, and the flow diagram.
 *
 * <p>Two ways to use it:
 * <ul>
 * <li>inside a JUnit test recorded by allure-jupiter: {@code AllureScenarioRecorder.current().recordInCurrentTest(r)}
 *     adds everything to the running test; the test still fails (or aborts) itself, e.g. with
 *     {@code assertThat(verdict.passed()).as(verdict.message()).isTrue()}, so JUnit and Allure agree;</li>
 * <li>from the CLI ({@code xpf conform}): {@code AllureScenarioRecorder.toDirectory(dir).record(r)} writes one
 *     complete result (status, steps, attachments) into the results folder.</li>
 * </ul>
 */
public final class AllureScenarioRecorder {

    private final AllureLifecycle lifecycle;

    private AllureScenarioRecorder(AllureLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** The lifecycle of the running JUnit test (allure-jupiter's). */
    public static AllureScenarioRecorder current() {
        return new AllureScenarioRecorder(Allure.getLifecycle());
    }

    /** A lifecycle of its own that writes complete results into {@code resultsDirectory}. */
    public static AllureScenarioRecorder toDirectory(Path resultsDirectory) {
        try {
            Files.createDirectories(resultsDirectory);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + resultsDirectory, e);
        }
        return new AllureScenarioRecorder(new AllureLifecycle(new FileSystemResultsWriter(resultsDirectory)));
    }

    /** For callers that drive the lifecycle themselves. */
    public static AllureScenarioRecorder on(AllureLifecycle lifecycle) {
        return new AllureScenarioRecorder(lifecycle);
    }

    /**
     * Adds the scenario's steps, labels, links, parameters and attachments to the current test case. Does nothing
     * (but still returns the verdict) when no Allure test case is running.
     */
    public ScenarioVerdict recordInCurrentTest(ScenarioReport r) {
        ScenarioVerdict v = r.verdict();
        RunFacts.saw(r.scenario());
        if (lifecycle.getCurrentTestCase().isEmpty()) {
            return v;
        }
        lifecycle.updateTestCase(t -> {
            decorate(t, r, v);
            if (t.getDescription() == null) {
                t.setDescription(description(r, v));
            }
        });
        addSteps(XenCallTrace.steps(r));
        attach(r, v);
        return v;
    }

    /** Writes one complete result for the scenario (used by the CLI); returns its verdict. */
    public ScenarioVerdict record(ScenarioReport r) {
        ScenarioVerdict v = r.verdict();
        RunFacts.saw(r.scenario());
        String uuid = UUID.randomUUID().toString();
        String name = name(r);
        String fullName = "xpf.scenario:" + name + "@" + r.scenario().machine().xen().wireName();
        TestResult t = new TestResult().setUuid(uuid).setName(name).setFullName(fullName)
                .setHistoryId(md5(fullName)).setTestCaseId(md5(fullName)).setDescription(description(r, v));
        decorate(t, r, v);
        t.getLabels().add(new Label().setName("parentSuite").setValue("xpf scenarios"));
        t.getLabels().add(new Label().setName("suite").setValue(ScenarioLabels.epic(r.scenario())));
        t.getLabels().add(new Label().setName("framework").setValue("xpf"));
        lifecycle.scheduleTestCase(t);
        lifecycle.startTestCase(uuid);
        addSteps(XenCallTrace.steps(r));
        attach(r, v);
        lifecycle.updateTestCase(uuid, x -> {
            x.setStatus(status(v.kind()));
            if (!v.passed()) {
                x.setStatusDetails(new StatusDetails().setMessage(v.message()).setTrace(v.details()));
            }
            x.setStage(Stage.FINISHED);
        });
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);
        return v;
    }

    /** The result's name: the caller's, else the scenario file's corpus path, else the scenario name. */
    static String name(ScenarioReport r) {
        if (r.name() != null) {
            return r.name();
        }
        if (r.sourceFile() != null) {
            String p = r.sourceFile().toString().replace('\\', '/');
            int i = p.indexOf("scenarios/");
            return i >= 0 ? p.substring(i + "scenarios/".length()) : r.sourceFile().getFileName().toString();
        }
        return r.scenario().name();
    }

    private static void decorate(TestResult t, ScenarioReport r, ScenarioVerdict v) {
        for (ScenarioLabels.Label l : ScenarioLabels.labels(r, v)) {
            t.getLabels().add(new Label().setName(l.name()).setValue(l.value()));
        }
        for (XenSourceLinks.Target target : ScenarioLabels.links(r)) {
            t.getLinks().add(new Link().setName(target.symbol()).setType("xen").setUrl(target.url()));
        }
        List<Parameter> ps = t.getParameters() == null ? new ArrayList<>() : t.getParameters();
        ps.add(new Parameter().setName("Xen").setValue(XenSourceLinks.version(r.scenario().machine().xen())));
        ps.add(new Parameter().setName("vendor").setValue(r.scenario().machine().vendor().name().toLowerCase(
                java.util.Locale.ROOT)));
        if (!r.scenario().bugs().isEmpty()) {
            ps.add(new Parameter().setName("bug switches").setValue(String.join(", ", r.scenario().bugs())));
        }
        t.setParameters(ps);
    }

    private static String description(ScenarioReport r, ScenarioVerdict v) {
        StringBuilder b = new StringBuilder();
        if (r.scenario().description() != null && !r.scenario().description().isBlank()) {
            b.append(r.scenario().description().strip()).append("\n\n");
        }
        b.append("**Scenario** `").append(r.scenario().name()).append("`");
        if (!r.scenario().tags().isEmpty()) {
            b.append(" — rule tags ").append(String.join(", ", r.scenario().tags().stream().map(x -> "`" + x + "`")
                    .toList()));
        }
        b.append("\n\n");
        if (r.sourceFile() != null) {
            b.append("**File** `").append(display(r.sourceFile())).append("`\n\n");
        }
        String replay = replay(r, v);
        if (replay != null) {
            b.append("**Replay** `").append(replay).append("`\n\n");
        }
        if (r.trace() != null && !r.trace().events().isEmpty()) {
            b.append("Trace hash `").append(r.trace().hash(), 0, 16).append("`\n");
        }
        return b.toString();
    }

    private static String replay(ScenarioReport r, ScenarioVerdict v) {
        if (r.replayCommand() != null) {
            return r.replayCommand();
        }
        if (r.sourceFile() != null && v.kind() == ScenarioVerdict.Kind.FAILED) {
            return "./xpf replay " + display(r.sourceFile());
        }
        return null;
    }

    /** A path as people type it: relative to the working directory (the repository root) when under it. */
    static String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : p.toString();
    }

    private void addSteps(List<XenCallTrace.CallStep> steps) {
        long now = System.currentTimeMillis();
        for (XenCallTrace.CallStep s : steps) {
            String uuid = UUID.randomUUID().toString();
            StepResult sr = new StepResult().setName(s.name()).setStatus(status(s.status())).setStage(Stage.FINISHED)
                    .setStart(now).setStop(now);
            if (s.message() != null) {
                sr.setStatusDetails(new StatusDetails().setMessage(s.message()));
            }
            List<Parameter> ps = new ArrayList<>();
            for (Map.Entry<String, String> p : s.parameters().entrySet()) {
                ps.add(new Parameter().setName(p.getKey()).setValue(p.getValue()));
            }
            sr.setParameters(ps);
            lifecycle.startStep(uuid, sr);
            addSteps(s.children());
            lifecycle.stopStep(uuid);
        }
    }

    private void attach(ScenarioReport r, ScenarioVerdict v) {
        boolean failure = v.kind() != ScenarioVerdict.Kind.PASSED && v.kind() != ScenarioVerdict.Kind.SKIPPED;
        if (failure) {
            String yaml = r.sourceText();
            if (yaml == null && r.sourceFile() != null && Files.isRegularFile(r.sourceFile())) {
                try {
                    yaml = Files.readString(r.sourceFile());
                } catch (IOException e) {
                    yaml = "# could not read " + r.sourceFile() + ": " + e.getMessage();
                }
            }
            if (yaml != null) {
                text("scenario.yaml", "text/yaml", "yaml", yaml);
            }
            if (r.shrunk() != null) {
                text("shrunk scenario.yaml", "text/yaml", "yaml", r.shrunk());
            }
            String replay = replay(r, v);
            if (replay != null) {
                text("replay command", "text/plain", "txt", replay + "\n");
            }
        }
        if (r.trace() != null && !r.trace().events().isEmpty()) {
            text("event trace", "text/plain", "txt", r.trace().render());
        }
        if (failure && r.run() != null) {
            text("expected vs actual", "text/html", "html", ExpectedVsActual.html(r));
        }
        if (r.trace() != null && !r.trace().events().isEmpty()) {
            text("Xen flow", "image/svg+xml", "svg", FlowDiagram.svg(r));
        }
    }

    private void text(String name, String type, String ext, String content) {
        lifecycle.addAttachment(name, type, ext, content.getBytes(StandardCharsets.UTF_8));
    }

    static Status status(ScenarioVerdict.Kind k) {
        return switch (k) {
            case PASSED -> Status.PASSED;
            case FAILED -> Status.FAILED;
            case BROKEN -> Status.BROKEN;
            case SKIPPED -> Status.SKIPPED;
        };
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
