package xpf.conformance.matrix;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;
import xpf.sim.walk.WalkService;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PhysicalMemory;

/**
 * Checks one walk case, simulator against reference. A single access compares every field of the walk contract
 * (fault, vector, error code, CR2, PA, page size, every A/D change, entries read). A repeated access (access.c's
 * ACCESS_TWICE) runs the same access twice on one simulated vCPU, so the second may come from the TLB, and compares it
 * with the reference evaluated on memory as the first access left it: fault, error code, CR2, PA, page size and the
 * final memory must agree (the entries read differ by design: a TLB hit reads none).
 */
public final class MatrixCheck {

    private MatrixCheck() {
    }

    /** @return null when simulator and reference agree, else a one-line description of the first difference */
    public static String check(WalkCase c, boolean twice, Function<WalkCase, WalkOutcome> reference) {
        if (!twice) {
            WalkOutcome sim = WalkService.evaluate(c);
            WalkOutcome ref = reference.apply(c);
            return sim.sameAs(ref) ? null : "sim " + describe(sim) + " | ref " + describe(ref);
        }
        WalkOutcome ref1 = reference.apply(c);
        TreeMap<Long, Long> mem1 = new TreeMap<>(c.memory());
        mem1.putAll(ref1.memoryAfter());
        WalkCase second = new WalkCase(c.cpu(), c.controls(), mem1, c.access());
        WalkOutcome ref2 = reference.apply(second);
        TreeMap<Long, Long> refFinal = new TreeMap<>(mem1);
        refFinal.putAll(ref2.memoryAfter());

        PhysicalMemory mem = WalkService.load(c);
        Mmu mmu = new Mmu(c.cpu(), mem, c.controls());
        if (!mmu.pdpteValid()) {
            return ref2.fault() && Objects.equals(ref2.vector(), 13) ? null : "sim #GP(0) at PDPTE load | ref "
                    + describe(ref2);
        }
        mmu.translate(c.access());
        Mmu.Result r = mmu.translate(c.access());
        TreeMap<Long, Long> simFinal = new TreeMap<>();
        int width = c.controls().mode().entryBytes();
        for (Long addr : c.memory().keySet()) {
            simFinal.put(addr, mem.read(addr, width));
        }
        String simSecond = describe(r);
        String refSecond = describeNoWalk(ref2);
        if (!simSecond.equals(refSecond)) {
            return "second access: sim " + simSecond + " | ref " + refSecond;
        }
        if (!simFinal.equals(refFinal)) {
            return "memory after two accesses: sim " + hex(simFinal) + " | ref " + hex(refFinal);
        }
        return null;
    }

    static String describe(WalkOutcome o) {
        return describeNoWalk(o) + " after=" + hex(o.memoryAfter()) + " walk=" + o.walk().stream()
                .map(a -> "0x" + Long.toHexString(a)).toList();
    }

    static String describeNoWalk(WalkOutcome o) {
        if (!o.fault()) {
            return "ok pa=0x" + Long.toHexString(o.pa()) + " size=0x" + Long.toHexString(o.pageSize());
        }
        if (o.vector() == 14) {
            return "#PF(" + PfErrorCode.symbolic(o.errorCode()) + ") cr2=0x" + Long.toHexString(o.cr2());
        }
        return "vector " + o.vector() + "(" + o.errorCode() + ")";
    }

    static String describe(Mmu.Result r) {
        return switch (r.outcome()) {
            case OK -> "ok pa=0x" + Long.toHexString(r.pa()) + " size=0x" + Long.toHexString(r.pageSize());
            case PAGE_FAULT -> "#PF(" + PfErrorCode.symbolic(r.errorCode()) + ") cr2=0x" + Long.toHexString(r.la());
            case GP -> "vector 13(0)";
            case SS -> "vector 12(0)";
        };
    }

    static String hex(Map<Long, Long> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append("0x").append(Long.toHexString(k))
                .append("=0x").append(Long.toHexString(v)));
        return b.append('}').toString();
    }
}
