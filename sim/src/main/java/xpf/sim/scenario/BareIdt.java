package xpf.sim.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.Access;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.x86.IdtDelivery;
import xpf.sim.x86.IdtGate;
import xpf.sim.x86.LinearAccess;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PageWalker;
import xpf.sim.x86.PagingGeometry;
import xpf.sim.x86.SdmExceptionCombiner;

/**
 * Exception delivery for a bare vCPU with an IDT: the x86 {@link IdtDelivery} over the vCPU's MMU, with the SDM's
 * double-fault table on faults during delivery (there is no hypervisor to intercept anything). Also writes the IDT
 * gates into memory at build (16-byte 64-bit gates in long mode, 8-byte 32-bit gates otherwise), where mapped.
 */
final class BareIdt {

    /** The registers delivery reads and writes. */
    static final class CpuRegs {
        private int cpl;
        private long rip;
        private long rsp;
        private long rflags;
        private int cs;
        private int ss;
        private long cr2;
        private final boolean longMode;

        private CpuRegs(int cpl, long rip, long rsp, long rflags, boolean longMode) {
            this.longMode = longMode;
            this.rip = rip;
            this.rsp = rsp;
            this.rflags = rflags;
            setCpl(cpl);
        }

        static CpuRegs of(VcpuSpec v, Mmu mmu) {
            return new CpuRegs(v.cpl(), v.rip(), v.rsp(), v.rflags(), PagingGeometry.ia32e(mmu.controls().mode()));
        }

        void setCpl(int c) {
            cpl = c;
            cs = IdtDelivery.flatCodeSelector(c, longMode);
            ss = IdtDelivery.flatStackSelector(c, longMode);
        }

        int cpl() {
            return cpl;
        }

        long rip() {
            return rip;
        }

        long rsp() {
            return rsp;
        }

        long rflags() {
            return rflags;
        }

        int cs() {
            return cs;
        }

        int ss() {
            return ss;
        }
    }

    private BareIdt() {
    }

    static void writeGates(Mmu mmu, IdtSpec idt) {
        boolean lm = PagingGeometry.ia32e(mmu.controls().mode());
        int size = IdtGate.size(lm);
        for (GateSpec g : idt.gates()) {
            long la = idt.base() + (long) g.vector() * size;
            PageWalker.Walk w = PageWalker.walk(mmu.memory(), mmu.cpu(), mmu.controls(), mmu.pdpteRegisters(),
                    lm ? la : la & 0xFFFFFFFFL, null);
            if (w.status() != PageWalker.Status.TRANSLATED) {
                continue;
            }
            IdtGate gate = IdtGate.of(g.handler(), g.selector(), g.trapGate(), g.dpl(), g.ist(), g.present());
            if (lm) {
                long[] q = gate.encode64();
                mmu.memory().write(w.pa(), 8, q[0]);
                mmu.memory().write(w.pa() + 8, 8, q[1]);
            } else {
                mmu.memory().write(w.pa(), 8, gate.encode32());
            }
        }
    }

    private static IdtDelivery.Fault fault(Mmu.Result f) {
        boolean pf = f.outcome() == Mmu.Outcome.PAGE_FAULT;
        return IdtDelivery.Fault.exception(f.vector(), pf ? f.errorCode() : 0, pf ? f.la() : null);
    }

    static Outcome deliver(Mmu mmu, CpuRegs r, IdtSpec idt, int vector, Integer ec, Long cr2, Trace t) {
        IdtDelivery.Memory port = new IdtDelivery.Memory() {
            @Override
            public IdtDelivery.Fault read(Access a, int size, long[] out) {
                LinearAccess.Result res = LinearAccess.read(mmu, a, size);
                if (!res.ok()) {
                    return fault(res.fault());
                }
                out[0] = res.value();
                return null;
            }

            @Override
            public IdtDelivery.Fault write(Access a, int size, long value) {
                LinearAccess.Result res = LinearAccess.write(mmu, a, size, value);
                return res.ok() ? null : fault(res.fault());
            }
        };
        if (vector == Vectors.PF && cr2 != null) {
            r.cr2 = cr2;
        }
        List<Long> ist = idt.ist() == null ? List.of() : new ArrayList<>(idt.ist());
        IdtDelivery.Tables tables = new IdtDelivery.Tables(idt.base(), idt.rsp0(),
                IdtDelivery.flatStackSelector(0, r.longMode), ist);
        int v = vector;
        Integer e = ec;
        for (int i = 0; i < 4; i++) {
            IdtDelivery.Result res = IdtDelivery.deliver(v, e, new IdtDelivery.CpuState(r.cpl, r.rip, r.cs,
                    r.rflags, r.rsp, r.ss, r.longMode), tables, port);
            if (res.ok()) {
                IdtDelivery.Delivered d = res.delivered();
                IdtDelivery.CpuState a = d.after();
                r.cpl = a.cpl();
                r.rip = a.rip();
                r.cs = a.cs();
                r.rsp = a.rsp();
                r.ss = a.ss();
                r.rflags = a.rflags();
                t.hardware("idt_delivery", "vector", v, "handler", a.rip(), "rsp", a.rsp());
                Outcome.Delivered out = new Outcome.Delivered(v, e, v == Vectors.PF ? r.cr2 : null,
                        d.gate().offset(), new LinkedHashMap<>(d.frame()));
                return v == Vectors.DF ? new Outcome.DoubleFault(r.cr2, new LinkedHashMap<>(), out) : out;
            }
            IdtDelivery.Fault f = res.fault();
            t.hardware("fault_during_delivery", "vector", v, "fault", Vectors.mnemonic(f.vector()));
            if (f.vector() == Vectors.PF && f.cr2() != null) {
                r.cr2 = f.cr2();
            }
            switch (SdmExceptionCombiner.combine(v, f.vector())) {
                case SERIAL -> {
                    v = f.vector();
                    e = f.errorCode();
                }
                case DOUBLE_FAULT -> {
                    v = Vectors.DF;
                    e = 0;
                }
                case TRIPLE_FAULT -> {
                    t.hardware("triple_fault", "during", Vectors.mnemonic(v));
                    return new Outcome.TripleFault("cpu_shutdown", "fault while delivering #DF");
                }
            }
        }
        return new Outcome.TripleFault("cpu_shutdown", "delivery does not converge");
    }
}
