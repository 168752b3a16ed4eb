package xpf.sim.x86;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.Vectors;

/**
 * Exception delivery through a guest IDT (x86-paging.md §1.1g; gate and frame layout from the SDM vol. 3 §6.12 and
 * §6.14, from memory of the manual [MEM]).
 *
 * <p>Steps: read the gate at {@code base + vector * size} as an implicit supervisor access (16 bytes in IA-32e
 * mode, 8 otherwise); a gate of another type is #GP, a non-present gate #NP, both with the IDT error code
 * {@code vector << 3 | IDT(2) | EXT(1)}; choose the stack (64-bit: IST if the gate names one, else TSS.RSP0 on a
 * privilege change, else the current RSP, then aligned down to 16; 32-bit: TSS SS0:ESP0 on a privilege change, else
 * the current stack, no alignment); push the frame (64-bit: SS, RSP, RFLAGS, CS, RIP, error code, 8 bytes each;
 * 32-bit: [SS, ESP,] EFLAGS, CS, EIP, error code, 4 bytes each) from the highest slot down, as supervisor writes at
 * the handler's privilege level.
 *
 * <p>A fault while delivering is <em>reported</em>, not combined: what happens next depends on who is in charge
 * (bare metal: the SDM table; an HVM guest under shadow paging: an intercepted #PF becomes a VM exit with
 * IDT-vectoring information; under HAP the hardware combines). Modelling choices: the TSS is not in memory (its
 * RSP0/SS0/IST values are registers of {@link Tables}); no GDT is modelled, so the handler's privilege level is the
 * RPL of the gate's selector and a null selector is #GP(EXT).
 */
@Rule("1.1g")
public final class IdtDelivery {

    private static final long RFLAGS_TF = 1L << 8;
    private static final long RFLAGS_IF = 1L << 9;
    private static final long RFLAGS_NT = 1L << 14;
    private static final long RFLAGS_RF = 1L << 16;
    private static final long RFLAGS_VM = 1L << 17;

    /** The processor state an event is delivered from (and, in {@link Delivered#after()}, the handler's). */
    public record CpuState(int cpl, long rip, int cs, long rflags, long rsp, int ss, boolean longMode) {
    }

    /** The IDT's linear base and the TSS stack pointers: RSP0 (ESP0 with SS0 for 32-bit) and IST1..7. */
    public record Tables(long idtBase, long rsp0, int ss0, List<Long> ist) {
        public Tables {
            ist = List.copyOf(ist);
        }
    }

    /**
     * A fault raised by an access during delivery. {@code exit} means the access left the guest (a VM exit the
     * caller has recorded itself); otherwise it is an architectural exception with {@code vector}, error code and,
     * for #PF, CR2.
     */
    public record Fault(int vector, Integer errorCode, Long cr2, boolean exit) {
        public static Fault exception(int vector, Integer errorCode, Long cr2) {
            return new Fault(vector, errorCode, cr2, false);
        }

        public static Fault vmExit() {
            return new Fault(-1, null, null, true);
        }
    }

    /** How delivery reaches memory; the caller routes each access through its MMU. */
    public interface Memory {
        /** Reads {@code size} (≤ 8) bytes into {@code out[0]}; null on success, else the fault. */
        Fault read(Access a, int size, long[] out);

        /** Writes {@code size} (≤ 8) bytes; null on success, else the fault. */
        Fault write(Access a, int size, long value);
    }

    /** Which part of delivery faulted. */
    public enum Stage { GATE, STACK }

    /**
     * A completed delivery: the handler runs with {@code after} as its state; {@code frame} is what it finds on its
     * stack (slot name → value: {@code error_code} if pushed, {@code rip cs rflags rsp ss}, and {@code base}, the
     * frame's lowest address = the handler's RSP).
     */
    public record Delivered(int vector, Integer errorCode, IdtGate gate, CpuState after,
            SequencedMap<String, Long> frame) {
        public Delivered {
            frame = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(frame));
        }
    }

    /** Either the delivery or the fault that stopped it (with the stage). */
    public record Result(Delivered delivered, Fault fault, Stage stage) {
        public boolean ok() {
            return delivered != null;
        }
    }

    private IdtDelivery() {
    }

    /**
     * The code selector a CPL runs with when no GDT is modelled: Linux's flat selectors (64-bit kernel 0x10, user
     * 0x33; 32-bit kernel 0x08, user 0x1b).
     */
    public static int flatCodeSelector(int cpl, boolean longMode) {
        return cpl == 3 ? (longMode ? 0x33 : 0x1b) : (longMode ? 0x10 : 0x08);
    }

    /** The stack selector that goes with {@link #flatCodeSelector} (64-bit 0x18 / 0x2b; 32-bit 0x10 / 0x23). */
    public static int flatStackSelector(int cpl, boolean longMode) {
        return cpl == 3 ? (longMode ? 0x2b : 0x23) : (longMode ? 0x18 : 0x10);
    }

    /** The error code of a gate-check fault: IDT index, IDT flag (bit 1), EXT (bit 0, a hardware event). */
    public static int idtErrorCode(int vector) {
        return (vector << 3) | 2 | 1;
    }

    public static Result deliver(int vector, Integer errorCode, CpuState s, Tables t, Memory mem) {
        boolean lm = s.longMode();
        int gateSize = IdtGate.size(lm);
        long gateLa = t.idtBase() + (long) vector * gateSize;
        if (!lm) {
            gateLa &= 0xFFFFFFFFL;
        }
        // The gate read is an implicit supervisor access (SDM §4.6), whatever the CPL.
        IdtGate gate;
        long[] q = new long[1];
        Fault f = mem.read(new Access(gateLa, AccessKind.READ, s.cpl(), true, false), 8, q);
        if (f != null) {
            return new Result(null, f, Stage.GATE);
        }
        if (lm) {
            long lo = q[0];
            f = mem.read(new Access(gateLa + 8, AccessKind.READ, s.cpl(), true, false), 8, q);
            if (f != null) {
                return new Result(null, f, Stage.GATE);
            }
            gate = IdtGate.decode64(lo, q[0]);
        } else {
            gate = IdtGate.decode32(q[0]);
        }
        int idtEc = idtErrorCode(vector);
        if (!gate.validType()) {
            return new Result(null, Fault.exception(Vectors.GP, idtEc, null), Stage.GATE);
        }
        if (!gate.present()) {
            return new Result(null, Fault.exception(Vectors.NP, idtEc, null), Stage.GATE);
        }
        if ((gate.selector() & ~3) == 0) {
            return new Result(null, Fault.exception(Vectors.GP, 1, null), Stage.GATE);
        }
        int target = gate.selector() & 3;
        boolean privilegeChange = target < s.cpl();
        return lm ? push64(vector, errorCode, s, t, gate, target, privilegeChange, mem)
                : push32(vector, errorCode, s, t, gate, target, privilegeChange, mem);
    }

    private static Result push64(int vector, Integer ec, CpuState s, Tables t, IdtGate gate, int target,
            boolean privilegeChange, Memory mem) {
        long rsp;
        int ss;
        if (gate.ist() != 0) {
            int i = gate.ist() - 1;
            rsp = i < t.ist().size() ? t.ist().get(i) : 0;
            ss = privilegeChange ? target : s.ss();
        } else if (privilegeChange) {
            rsp = t.rsp0();
            ss = target; // a null selector with RPL = new CPL
        } else {
            rsp = s.rsp();
            ss = s.ss();
        }
        rsp &= ~0xFL;
        SequencedMap<String, Long> top = new LinkedHashMap<>();
        top.put("ss", (long) s.ss());
        top.put("rsp", s.rsp());
        top.put("rflags", s.rflags());
        top.put("cs", (long) s.cs());
        top.put("rip", s.rip());
        if (ec != null) {
            top.put("error_code", Integer.toUnsignedLong(ec));
        }
        return pushFrame(vector, ec, s, gate, target, rsp, ss, 8, top, mem);
    }

    private static Result push32(int vector, Integer ec, CpuState s, Tables t, IdtGate gate, int target,
            boolean privilegeChange, Memory mem) {
        long esp;
        int ss;
        SequencedMap<String, Long> top = new LinkedHashMap<>();
        if (privilegeChange) {
            esp = t.rsp0() & 0xFFFFFFFFL;
            ss = t.ss0();
            top.put("ss", (long) s.ss());
            top.put("rsp", s.rsp() & 0xFFFFFFFFL);
        } else {
            esp = s.rsp() & 0xFFFFFFFFL;
            ss = s.ss();
        }
        top.put("rflags", s.rflags() & 0xFFFFFFFFL);
        top.put("cs", (long) s.cs());
        top.put("rip", s.rip() & 0xFFFFFFFFL);
        if (ec != null) {
            top.put("error_code", Integer.toUnsignedLong(ec));
        }
        return pushFrame(vector, ec, s, gate, target, esp, ss, 4, top, mem);
    }

    /** Pushes the slots of {@code top} (highest first) below {@code sp}; each write may fault. */
    private static Result pushFrame(int vector, Integer ec, CpuState s, IdtGate gate, int target, long sp, int ss,
            int width, SequencedMap<String, Long> top, Memory mem) {
        long addr = sp;
        for (var e : top.entrySet()) {
            addr -= width;
            long la = width == 4 ? addr & 0xFFFFFFFFL : addr;
            Fault f = mem.write(new Access(la, AccessKind.WRITE, target, false, true), width, e.getValue());
            if (f != null) {
                return new Result(null, f, Stage.STACK);
            }
        }
        long base = width == 4 ? addr & 0xFFFFFFFFL : addr;
        // The frame as the handler sees it, from its RSP upwards.
        SequencedMap<String, Long> frame = new LinkedHashMap<>();
        List<String> keys = List.copyOf(top.sequencedKeySet().reversed());
        for (String k : keys) {
            frame.put(k, top.get(k));
        }
        frame.put("base", base);
        long flags = s.rflags() & ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
        if (!gate.trapGate()) {
            flags &= ~RFLAGS_IF;
        }
        CpuState after = new CpuState(target, gate.offset(), gate.selector(), flags, base, ss, s.longMode());
        return new Result(new Delivered(vector, ec, gate, after, frame), null, null);
    }
}
