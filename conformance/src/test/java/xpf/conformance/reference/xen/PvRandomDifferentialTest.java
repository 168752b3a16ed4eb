package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.conformance.corpus.Corpus;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.x86.AccessKind;
import xpf.sim.domain.ScenarioError;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.scenario.load.ScenarioWriter;

/**
 * A randomized differential of the PV reference model against the simulator, beyond the corpus: each PV corpus
 * scenario's initial state gets seeded random step sequences (guest accesses at interesting addresses with every
 * instruction form, page-table writes through ptwr and mmu_update, mmuext ops, update_va_mapping, iret, trap-table
 * and assist changes, CR3 writes, knobs). Every modelled step must agree; disagreements are saved as scenario files
 * under target/pv-random-disagreements for replay. Deterministic (fixed seed); {@code -Dpv.random.runs=N} to widen.
 */
class PvRandomDifferentialTest {

    static final long SEED = Long.getLong("pv.random.seed", 0x5EED_0F_9A_2026L);

    @Test
    @DisplayName("random steps on every PV corpus state: reference and simulator agree on every modelled step")
    void randomStepsAgree() throws Exception {
        int runsPerBase = Integer.getInteger("pv.random.runs", 4);
        Random rnd = new Random(SEED);
        PvOracle oracle = new PvOracle();
        List<PvDifferential.Compared> disagreements = new ArrayList<>();
        TreeMap<String, Integer> notModelled = new TreeMap<>();
        int compared = 0;
        int steps = 0;
        Path out = Path.of("target", "pv-random-disagreements");
        if (Files.isDirectory(out)) {
            try (var old = Files.list(out)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        for (String folder : List.of("pv", "xsa")) {
            for (Path p : Corpus.files(Path.of("scenarios", folder))) {
                Scenario base = ScenarioLoader.load(p).scenario();
                if (!PvDifferential.hasPvDomain(base)) {
                    continue;
                }
                for (int run = 0; run < runsPerBase; run++) {
                    Scenario start = run % 2 == 1 ? mutateState(rnd, base) : base;
                    Scenario sc = start.withSteps(randomSteps(rnd, start, 12));
                    List<PvDifferential.Compared> cs;
                    try {
                        cs = PvDifferential.run(oracle, p, sc);
                    } catch (ScenarioError e) {
                        continue;   // a generated step the simulator refuses as input (not a semantic outcome)
                    }
                    boolean saved = false;
                    for (PvDifferential.Compared c : cs) {
                        steps++;
                        if (!c.modelled()) {
                            notModelled.merge(c.predicted().reason().replaceAll("0x[0-9a-f]+", "N")
                                    .replaceAll("d[0-9]+", "dN"), 1, Integer::sum);
                            continue;
                        }
                        compared++;
                        if (!c.agrees()) {
                            if (!saved) {
                                Files.createDirectories(out);
                                Path f = out.resolve(p.getFileName().toString().replace(".yaml", "") + "-" + run
                                        + ".yaml");
                                Files.writeString(f, ScenarioWriter.write(sc, List.of("random PV differential, base "
                                        + p)));
                                saved = true;
                            }
                            disagreements.add(new PvDifferential.Compared(Path.of(out.toString(),
                                    p.getFileName().toString().replace(".yaml", "") + "-" + run + ".yaml"),
                                    c.index(), c.line(), c.predicted(), c.actual()));
                        }
                    }
                }
            }
        }
        System.out.printf("random PV differential: %d steps, %d compared, %d disagree, %d not modelled%n",
                steps, compared, disagreements.size(), steps - compared);
        notModelled.forEach((k, v) -> System.out.printf("  not modelled %4d x %s%n", v, k));
        // No open disagreement: the last one (CMPXCHG validated before its compare, rule pv.3.2) was a simulator
        // bug, fixed in X86Emulate (regression pv/regression-cmpxchg-compare-fails-invalid-new.yaml).
        String report = disagreements.stream().limit(40).map(PvDifferential.Compared::describe)
                .collect(Collectors.joining("\n"));
        assertThat(disagreements).as("disagreements (first 40):\n%s", report).isEmpty();
        assertThat(compared).as("most random steps are modelled").isGreaterThan(steps / 2);
    }

    // ------------------------------------------------------------------------- generator

    /**
     * A variant of a corpus domain's initial state: hardware domain with an I/O frame, writable_pagetables off,
     * shadow log-dirty, events masked or a callback, the vCPU in user mode on the same tables.
     */
    static Scenario mutateState(Random r, Scenario base) {
        List<DomainSpec> ds = new ArrayList<>();
        boolean done = false;
        for (DomainSpec d : base.domains()) {
            if (done || !d.kind().pv()) {
                ds.add(d);
                continue;
            }
            done = true;
            boolean hw = r.nextInt(4) == 0;
            var assist = new java.util.TreeSet<>(d.vmAssist());
            if (r.nextInt(5) == 0) {
                assist.remove("writable_pagetables");
            }
            if (r.nextInt(5) == 0) {
                assist.add("architectural_iopl");
            }
            var params = new java.util.LinkedHashMap<>(d.params());
            if (r.nextInt(4) == 0) {
                params.put("log_dirty", 1L);
            }
            if (r.nextInt(4) == 0) {
                params.put("event_callback", d.kind() == xpf.model.scenario.DomainKind.PV32 ? 0xc0100800L
                        : 0xffffffff81000800L);
            }
            if (r.nextInt(5) == 0) {
                params.put("upcall_mask", 1L);
            }
            if (hw && r.nextBoolean()) {
                params.put("mmio_ro_mfn", 0xfee00L);
            } else if (r.nextInt(3) == 0) {
                params.put("mmio_mfn", 0xfee00L);
            }
            List<xpf.model.scenario.VcpuSpec> vs = new ArrayList<>();
            for (xpf.model.scenario.VcpuSpec v : d.vcpus()) {
                boolean user = r.nextInt(3) == 0;
                long userCr3 = d.kind() == xpf.model.scenario.DomainKind.PV64 && user ? v.cr3() : v.userCr3();
                vs.add(new xpf.model.scenario.VcpuSpec(v.mode(), v.cr3(), v.controls(), v.pkru(), v.pkrs(), v.cpl(),
                        user ? false : v.pvKernelMode(), userCr3, user ? 0x400123L : v.rip(),
                        user ? 0x6800L : v.rsp(), v.rflags(), v.kernelSp(), v.kernelSs(), v.idt()));
            }
            ds.add(new DomainSpec(d.name(), d.kind(), d.paging(), hw || d.hardwareDomain(), assist, d.frames(),
                    d.spareFrames(), d.pageTables(), d.mappings(), d.memory(), vs, d.trapTable(), d.p2m(),
                    d.devices(), params));
        }
        return new Scenario(base.version(), base.name(), base.description(), base.tags(), base.machine(),
                base.bugs(), ds, base.steps());
    }

    static List<Step> randomSteps(Random r, Scenario base, int n) {
        DomainSpec d = base.domains().stream().filter(x -> x.kind().pv()).findFirst().orElseThrow();
        boolean pv32 = d.kind() == xpf.model.scenario.DomainKind.PV32;
        List<Long> frames = new ArrayList<>(d.frames().values());
        long top = frames.stream().mapToLong(Long::longValue).max().orElse(0x1000);
        for (int i = 1; i <= Math.min(4, d.spareFrames()); i++) {
            frames.add(top + i);
        }
        for (DomainSpec o : base.domains()) {
            if (o != d) {
                frames.addAll(o.frames().values());   // another domain's frames (must be refused)
            }
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Knobs k = new Knobs(r.nextInt(10) == 0, null, false, r.nextInt(12) == 0);
            steps.add(new Step(d.name(), 0, op(r, d, frames, pv32), k, null, null, 0));
        }
        return steps;
    }

    static long pick(Random r, long... xs) {
        return xs[r.nextInt(xs.length)];
    }

    static Operation op(Random r, DomainSpec d, List<Long> frames, boolean pv32) {
        int x = r.nextInt(100);
        if (x < 50) {
            return access(r, frames, pv32);
        }
        if (x < 64) {
            List<HypercallOp.MmuUpdate.Request> reqs = new ArrayList<>();
            int count = 1 + r.nextInt(3);
            for (int i = 0; i < count; i++) {
                long table = frames.get(r.nextInt(Math.min(frames.size(), 5)));
                int index = (int) pick(r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 256, 258, 511);
                long cmd = r.nextInt(8) == 0 ? r.nextInt(8) : 0;
                reqs.add(new HypercallOp.MmuUpdate.Request((table << 12) + 8L * index + cmd, entry(r, frames)));
            }
            int fd = r.nextInt(10) == 0 ? (int) pick(r, 0x7ff1, 9) : 0x7ff0;
            return new Hypercall(new HypercallOp.MmuUpdate(reqs, fd));
        }
        if (x < 74) {
            List<HypercallOp.MmuextOp.Request> ops = new ArrayList<>();
            int count = 1 + r.nextInt(2);
            for (int i = 0; i < count; i++) {
                int cmd = (int) pick(r, 0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17);
                long arg1 = switch (cmd) {
                    case 7, 11 -> pick(r, 0x1000, 0x9000, 0x8000000000000000L);
                    case 13 -> pick(r, 0x7000, 0x1000, 0x1001, 0x4000, 0);
                    default -> frames.get(r.nextInt(frames.size()));
                };
                long arg2 = cmd == 13 ? pick(r, 0, 1, 16, 512, 9000) : cmd == 17 ? frames.get(r.nextInt(frames.size()))
                        : 0;
                ops.add(new HypercallOp.MmuextOp.Request(cmd, arg1, arg2));
            }
            return new Hypercall(new HypercallOp.MmuextOp(ops, 0x7ff0));
        }
        if (x < 80) {
            return new Hypercall(new HypercallOp.UpdateVaMapping(pick(r, 0x1000, 0x2000, 0x3000, 0x7000, 0x9000,
                    0x40000000L, 0x8000000000000000L), entry(r, frames), pick(r, 0, 1, 2, 4, 6)));
        }
        if (x < 86) {
            return new Hypercall(new HypercallOp.Iret());
        }
        if (x < 89) {
            if (r.nextInt(4) == 0) {
                return new Hypercall(new HypercallOp.SetTrapTable(List.of(), true));
            }
            long h = pv32 ? pick(r, 0xc0100000L, 0) : pick(r, 0xffffffff81000000L, 0x8000000000000000L, 0);
            return new Hypercall(new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec((int) pick(r, 13, 14),
                    (int) pick(r, 0, 4), pv32 ? 0xe019 : 0xe033, h)), false));
        }
        if (x < 92) {
            return new Hypercall(new HypercallOp.VmAssist((int) pick(r, 0, 1, 0, 1, 2), (int) pick(r, 2, 2, 4, 31,
                    32)));
        }
        if (x < 95) {
            return new ControlWrite(frames.get(r.nextInt(frames.size())) << 12, Set.of(), Set.of(), null, null);
        }
        if (x < 97) {
            return new Invlpg(pick(r, 0x1000, 0x3000, 0x6000));
        }
        long table = frames.get(r.nextInt(Math.min(frames.size(), 5)));
        return new HostWrite((table << 12) + 8L * r.nextInt(12), 8, entry(r, frames));
    }

    static long entry(Random r, List<Long> frames) {
        if (r.nextInt(12) == 0) {
            return pick(r, 0, 0x10000000000L | 0x25, 0xfee00000L | 0x27);
        }
        long e = frames.get(r.nextInt(frames.size())) << 12;
        long[] flags = {1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 1L << 52, 1L << 63, 1L << 62};
        for (long f : flags) {
            if (r.nextInt(f <= 4 ? 2 : 6) == 0) {
                e |= f;
            }
        }
        if (r.nextInt(4) != 0) {
            e |= 1;
        }
        return e;
    }

    static GuestAccess access(Random r, List<Long> frames, boolean pv32) {
        long va;
        int v = r.nextInt(20);
        if (v < 14) {
            va = ((long) r.nextInt(0xd) << 12) + (r.nextInt(4) == 0 ? 0xffc : 8L * r.nextInt(16));
        } else if (pv32 && v < 18) {
            va = pick(r, 0xc0001000L, 0xfffff000L, 0x9000);
        } else {
            va = pick(r, 0xffff810000000000L, 0xffff820000010008L, 0xffff82000000002bL, 0xffff820000030000L,
                    0xffff800000000000L, 0x8000000000000000L, 0xffffffff80001234L, 0xffff820000000000L);
        }
        boolean implicit = va >= 0xffff820000000000L && va < 0xffff820100000000L ? r.nextInt(3) != 0
                : r.nextInt(20) == 0;
        AccessKind kind = AccessKind.values()[r.nextInt(3)];
        if (kind == AccessKind.FETCH) {
            return new GuestAccess(va, kind, 1, null, null, implicit, false, Insn.LOAD, null);
        }
        boolean stack = r.nextInt(15) == 0;
        if (kind == AccessKind.READ) {
            int size = (int) pick(r, 1, 2, 4, 8, 8);
            return new GuestAccess(va, kind, size, null, null, implicit, stack, Insn.LOAD, null);
        }
        Insn insn = EnumSet.of(Insn.MOV, Insn.MOV, Insn.CMPXCHG, Insn.XCHG, Insn.LOCK_OR, Insn.MOVDQU).stream()
                .toList().get(r.nextInt(5));
        if (r.nextInt(3) == 0) {
            insn = Insn.MOV;
        }
        int size = insn == Insn.MOVDQU ? 16 : (int) pick(r, 1, 2, 4, 8, 8, 8);
        long value = entry(r, frames);
        if (size < 8) {
            value &= (1L << (8 * size)) - 1;
        }
        Long compare = insn == Insn.CMPXCHG ? (r.nextBoolean() ? 0L : entry(r, frames)) : null;
        if (compare != null && size < 8) {
            compare &= (1L << (8 * size)) - 1;
        }
        return new GuestAccess(va, kind, size, value, null, implicit, stack, insn, compare);
    }
}
