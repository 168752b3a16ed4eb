package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

import xpf.model.scenario.IdtSpec;
import xpf.model.x86.AccessKind;

/**
 * The processor delivering an event through the guest IDT (x86-paging.md §1.1g; SDM vol. 3 §6.12/§6.14), as the
 * reference model needs it: read the gate (an implicit supervisor read of 16 bytes in IA-32e mode, 8 otherwise),
 * check it, pick the stack (IST, TSS RSP0 on a privilege change, else the current one; 16-byte aligned in IA-32e
 * mode), push the frame slot by slot (SS, RSP, RFLAGS, CS, RIP, error code; 32-bit without a privilege change:
 * EFLAGS, CS, EIP, error code), each push a supervisor write at the handler's CPL. The first access that faults ends
 * the attempt: the caller decides whether it exits to Xen or combines (Table 6-5).
 */
final class GuestDelivery {

    /** Done (handler and frame), or the fault that stopped the delivery and its linear address. */
    record Result(boolean done, long handler, SequencedMap<String, Long> frame, HvmRun.Hw fault,
            long faultAddress) {
        static Result done(long handler, SequencedMap<String, Long> frame) {
            return new Result(true, handler, frame, null, 0);
        }

        static Result fault(HvmRun.Hw f, long address) {
            return new Result(false, 0, null, f, address);
        }

        /** An exception the gate checks raise (#NP, #GP with an IDT error code). */
        static Result exception(int vector, int ec) {
            return new Result(false, 0, null, new HvmRun.Hw(true, vector, ec, false, 0, null, false, 0), 0);
        }
    }

    /** One decoded gate. */
    record Gate(long offset, int selector, int ist, int type, int dpl, boolean present) {
        static Gate decode64(long lo, long hi) {
            long off = (lo & 0xFFFF) | (((lo >>> 48) & 0xFFFF) << 16) | ((hi & 0xFFFF_FFFFL) << 32);
            return new Gate(off, (int) ((lo >>> 16) & 0xFFFF), (int) ((lo >>> 32) & 7), (int) ((lo >>> 40) & 0xF),
                    (int) ((lo >>> 45) & 3), ((lo >>> 47) & 1) != 0);
        }

        static Gate decode32(long lo) {
            long off = (lo & 0xFFFF) | (((lo >>> 48) & 0xFFFF) << 16);
            return new Gate(off, (int) ((lo >>> 16) & 0xFFFF), 0, (int) ((lo >>> 40) & 0xF),
                    (int) ((lo >>> 45) & 3), ((lo >>> 47) & 1) != 0);
        }

        /** Interrupt (0xE) or trap (0xF) gate; 16-bit gates and task gates are not modelled. */
        boolean interruptOrTrap() {
            return type == 0xE || type == 0xF;
        }
    }

    /** The processor state and memory a delivery uses (an HVM vCPU of the model, or a bare one). */
    interface Cpu {
        IdtSpec idt();

        boolean longMode();

        int cpl();

        int cs();

        int ss();

        long rip();

        long rsp();

        long rflags();

        /** One access through the vCPU's translation. */
        HvmRun.Hw hardware(long va, AccessKind kind, boolean user, boolean implicit, int cpl);

        long readBytes(long ma, int bytes);

        void writeBytes(long ma, int bytes, long value);
    }

    private GuestDelivery() {
    }

    static Result deliver(Cpu run, HvmEvent ev) {
        IdtSpec idt = run.idt();
        if (idt == null) {
            throw new NotModelled("an event delivery on a vCPU without an IDT");
        }
        boolean lm = run.longMode();
        int gateBytes = lm ? 16 : 8;
        long gateVa = idt.base() + (long) gateBytes * ev.vector();
        if (!lm) {
            gateVa &= 0xFFFF_FFFFL;
        }
        // the gate read: an implicit supervisor-mode access (SDM §4.6), at the current CPL
        HvmRun.Hw g = run.hardware(gateVa, AccessKind.READ, false, true, run.cpl());
        if (g.fault()) {
            return Result.fault(g, gateVa);
        }
        long lo = run.readBytes(g.machine(), 8);
        Gate gate = lm ? Gate.decode64(lo, run.readBytes(g.machine() + 8, 8)) : Gate.decode32(lo);
        int idtEc = ev.vector() * 8 + 2 + (ev.external() ? 1 : 0);
        // SDM INT n/INTO/INT3 operation: the descriptor type first (#GP), then the DPL of a software event (#GP),
        // then the present bit (#NP)
        if (!gate.interruptOrTrap()) {
            if (gate.type() == 0x5 || gate.type() == 0x6 || gate.type() == 0x7) {
                throw new NotModelled("task gates and 16-bit gates");
            }
            return Result.exception(13, idtEc);
        }
        if (ev.software() && run.cpl() > gate.dpl()) {
            return Result.exception(13, ev.vector() * 8 + 2);
        }
        if (!gate.present()) {
            return Result.exception(11, idtEc);   // #NP(vector*8+2+EXT)
        }
        int newCpl = gate.selector() & 3;
        if (newCpl > run.cpl()) {
            throw new NotModelled("a gate to a less privileged code segment");
        }
        boolean change = newCpl < run.cpl();
        long sp;
        if (lm && gate.ist() != 0) {
            List<Long> ist = idt.ist();
            if (ist == null || ist.size() < gate.ist()) {
                throw new NotModelled("IST" + gate.ist() + " not set");
            }
            sp = ist.get(gate.ist() - 1);
        } else if (change) {
            if (newCpl != 0) {
                throw new NotModelled("a stack switch to ring " + newCpl);
            }
            sp = idt.rsp0();
        } else {
            sp = run.rsp();
        }
        int slot = lm ? 8 : 4;
        if (lm) {
            sp &= ~0xFL;
        } else {
            sp &= 0xFFFF_FFFFL;
        }
        long slotMask = lm ? -1L : 0xFFFF_FFFFL;
        SequencedMap<String, Long> pushed = new LinkedHashMap<>();
        if (lm || change) {
            pushed.put("ss", (long) run.ss());
            pushed.put("rsp", run.rsp() & slotMask);
        }
        pushed.put("rflags", run.rflags() & slotMask);
        pushed.put("cs", (long) run.cs());
        pushed.put("rip", run.rip() & slotMask);
        if (ev.errorCode() != null) {
            pushed.put("error_code", Integer.toUnsignedLong(ev.errorCode()));
        }
        long a = sp;
        long[] mas = new long[pushed.size()];
        int i = 0;
        for (String k : pushed.keySet()) {
            a = (a - slot) & slotMask;
            HvmRun.Hw w = run.hardware(a, AccessKind.WRITE, false, false, newCpl);
            if (w.fault()) {
                return Result.fault(w, a);
            }
            mas[i++] = w.machine();
        }
        i = 0;
        for (Long val : pushed.values()) {
            run.writeBytes(mas[i++], slot, val);
        }
        SequencedMap<String, Long> frame = new LinkedHashMap<>();
        if (pushed.containsKey("error_code")) {
            frame.put("error_code", pushed.get("error_code"));
        }
        frame.put("rip", pushed.get("rip"));
        frame.put("cs", pushed.get("cs"));
        frame.put("rflags", pushed.get("rflags"));
        if (pushed.containsKey("rsp")) {
            frame.put("rsp", pushed.get("rsp"));
            frame.put("ss", pushed.get("ss"));
        }
        frame.put("base", a);
        return Result.done(gate.offset(), frame);
    }
}
