package xpf.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.Access;
import xpf.model.x86.PagingControls;
import xpf.model.x86.Vectors;
import xpf.sim.domain.BuildContext;
import xpf.sim.domain.GuestDomain;
import xpf.sim.domain.InitialMemory;
import xpf.sim.domain.ScenarioError;
import xpf.sim.domain.VcpuControls;
import xpf.sim.trace.Trace;
import xpf.sim.x86.LinearAccess;
import xpf.sim.x86.Mmu;

/**
 * A domain with no hypervisor: the x86 model alone. Its faults are architectural exceptions reported as they are
 * raised. It checks the harness itself and runs walk cases as scenarios.
 */
public final class BareDomain implements GuestDomain {

    private final String name;
    private final List<Mmu> vcpus = new ArrayList<>();
    private final List<Integer> cpl = new ArrayList<>();
    private final List<BareIdt.CpuRegs> regs = new ArrayList<>();
    private final List<IdtSpec> idts = new ArrayList<>();
    private final BuildContext ctx;

    BareDomain(DomainSpec spec, BuildContext ctx) {
        this.name = spec.name();
        this.ctx = ctx;
        if (spec.vcpus().isEmpty()) {
            throw new ScenarioError(ctx.path() + ".vcpus", "a domain needs at least one vCPU");
        }
        VcpuSpec v0 = spec.vcpus().get(0);
        InitialMemory.write(spec, ctx.path(), v0.mode(), ctx.machine().spec().maxPhyAddr(), f -> f,
                ctx.machine().memory(), InitialMemory.spareFrames(spec));
        for (int i = 0; i < spec.vcpus().size(); i++) {
            VcpuSpec v = spec.vcpus().get(i);
            if (v.mode() == null) {
                throw new ScenarioError(ctx.path() + ".vcpus[" + i + "].mode", "bare vCPUs need a paging mode");
            }
            PagingControls c = VcpuControls.of(v);
            String missing = VcpuControls.unsupported(c, ctx.machine().spec());
            if (missing != null) {
                throw new ScenarioError(ctx.path() + ".vcpus[" + i + "]", missing + " is not supported by the machine "
                        + "(add its CPU feature to machine.features)");
            }
            Mmu mmu = new Mmu(ctx.machine().cpu(), ctx.machine().memory(), c);
            if (!mmu.pdpteValid()) {
                throw new ScenarioError(ctx.path() + ".vcpus[" + i + "].cr3", "the PAE PDPTEs at CR3 have reserved "
                        + "bits set: loading them would #GP");
            }
            vcpus.add(mmu);
            cpl.add(v.cpl());
            idts.add(v.idt());
            regs.add(BareIdt.CpuRegs.of(v, mmu));
            if (v.idt() != null) {
                BareIdt.writeGates(mmu, v.idt());
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DomainKind kind() {
        return DomainKind.BARE;
    }

    @Override
    public boolean alive() {
        return true;
    }

    /** The plain-data view of this domain now (memory, each vCPU's controls, CPL, PDPTEs, TLB and caches). */
    public xpf.model.xen.BareDomainView view() {
        List<xpf.model.xen.BareDomainView.Vcpu> vs = new ArrayList<>();
        for (int i = 0; i < vcpus.size(); i++) {
            Mmu m = vcpus.get(i);
            List<Long> pdpte = new ArrayList<>();
            for (long e : m.pdpteRegisters()) {
                pdpte.add(e);
            }
            BareIdt.CpuRegs r = regs.get(i);
            vs.add(new xpf.model.xen.BareDomainView.Vcpu(i, m.controls(), cpl.get(i), pdpte, DomainViews.tlb(m),
                    DomainViews.psc(m), idts.get(i) != null, idts.get(i), r.rip(), r.rsp(), r.rflags(), r.cs(),
                    r.ss()));
        }
        return new xpf.model.xen.BareDomainView(name, ctx.machine().spec(), true,
                ctx.machine().memory().snapshotWords(), vs);
    }

    public Mmu mmu(int vcpu) {
        return vcpus.get(vcpu);
    }

    @Override
    public Outcome step(Step step, Trace t) {
        if (step.vcpu() < 0 || step.vcpu() >= vcpus.size()) {
            throw new ScenarioError("steps[" + t.currentStep() + "].vcpu", "domain " + name + " has no vCPU "
                    + step.vcpu());
        }
        Mmu mmu = vcpus.get(step.vcpu());
        return switch (step.op()) {
            case GuestAccess a -> {
                Outcome o = access(mmu, a, cpl.get(step.vcpu()), t);
                IdtSpec idt = idts.get(step.vcpu());
                if (idt != null && o instanceof Outcome.ArchException x) {
                    // With an IDT the exception is delivered to the guest's handler (SDM combination on faults).
                    BareIdt.CpuRegs r = regs.get(step.vcpu());
                    if (a.cpl() != null) {
                        r.setCpl(a.cpl());
                    }
                    Outcome d = BareIdt.deliver(mmu, r, idt, x.vector(), x.errorCode(), x.cr2(), t);
                    cpl.set(step.vcpu(), r.cpl());
                    yield d;
                }
                yield o;
            }
            case ControlWrite w -> {
                PagingControls next = VcpuControls.apply(mmu.controls(), w);
                t.op("cr_write", "cr3", next.cr3(), "controls", VcpuControls.flags(next), "mode",
                        next.mode().wireName());
                String missing = VcpuControls.unsupported(next, ctx.machine().spec());
                if (missing != null || mmu.setControls(next, w.cr3() != null) == Vectors.GP) {
                    t.hardware("#GP", "cause", missing != null ? missing + " unsupported" : "PDPTE load");
                    IdtSpec idt = idts.get(step.vcpu());
                    if (idt != null) {
                        // A faulting MOV to a control register is a fault like any other: with an IDT the #GP(0) is
                        // delivered through it (SDM Vol. 3 6.15 "#GP", 4.4.1 PDPTE load), the controls unchanged.
                        BareIdt.CpuRegs r = regs.get(step.vcpu());
                        Outcome d = BareIdt.deliver(mmu, r, idt, Vectors.GP, 0, null, t);
                        cpl.set(step.vcpu(), r.cpl());
                        yield d;
                    }
                    yield new Outcome.ArchException(Vectors.GP, 0, null);
                }
                yield new Outcome.Completed(null);
            }
            case Invlpg i -> {
                t.op("invlpg", "va", i.va());
                mmu.invlpg(i.va());
                yield new Outcome.Completed(null);
            }
            case HostWrite h -> {
                t.op("host_write", "pa", h.pa(), "size", h.size(), "value", h.value());
                ctx.machine().memory().write(h.pa(), h.size(), h.value());
                yield new Outcome.Completed(null);
            }
            case Hypercall h -> throw new ScenarioError("steps[" + t.currentStep() + "].op",
                    "a bare domain makes no hypercalls (" + h.call().hypercallName() + ")");
        };
    }

    private static Outcome access(Mmu mmu, GuestAccess a, int defaultCpl, Trace t) {
        int cpl = a.cpl() == null ? defaultCpl : a.cpl();
        if (a.size() > 8) {
            throw new ScenarioError("steps[" + t.currentStep() + "].size", "bare accesses are at most 8 bytes");
        }
        Access acc = new Access(a.va(), a.kind(), cpl, a.implicit(), a.stack());
        t.op("access", "va", a.va(), "kind", a.kind().wireName(), "cpl", cpl, "size", a.size());
        LinearAccess.Result r = a.kind() == xpf.model.x86.AccessKind.WRITE
                ? LinearAccess.write(mmu, acc, a.size(), a.value() == null ? 0 : a.value())
                : LinearAccess.read(mmu, acc, a.size());
        if (r.ok()) {
            return new Outcome.Completed(a.kind() == xpf.model.x86.AccessKind.READ ? r.value() : null);
        }
        Mmu.Result f = r.fault();
        if (f.outcome() == Mmu.Outcome.PAGE_FAULT) {
            t.hardware("#PF", "va", f.la(), "ec", Trace.ec(f.errorCode()), "source", f.source());
            return new Outcome.ArchException(Vectors.PF, f.errorCode(), f.la());
        }
        t.hardware(f.outcome() == Mmu.Outcome.GP ? "#GP" : "#SS", "va", f.la(), "cause", "non-canonical");
        return new Outcome.ArchException(f.vector(), 0, null);
    }
}
