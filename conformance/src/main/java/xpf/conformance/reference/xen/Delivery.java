package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.function.ToLongFunction;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.TlbEntryView;
import xpf.model.x86.Vectors;

/**
 * Injection into a PV guest (xen-pv-fault-path.md §5.2-§5.7): {@code pv_inject_event} (trap bounce from the virtual
 * IDT, virtual CR2, the U-bit rewrite), {@code create_bounce_frame} for 64-bit guests and
 * {@code compat_create_bounce_frame} for 32-bit ones as slot tables, the bad-stack, store-fault and null-handler crash
 * rows, and the event upcall that {@code test_all_events} pushes on top (§5.3).
 */
final class Delivery {

    static final long IF = 1L << 9;
    static final long IOPL = 3L << 12;
    static final long TF = 1L << 8;
    /** §5.4 step 5: the live RFLAGS of the handler: AC, VM, RF, NT, TF cleared. */
    static final long CLEARED_ON_TRAP = (1L << 18) | (1L << 17) | (1L << 16) | (1L << 14) | TF;
    static final int FLAT_KERNEL_CS = 0xE033;
    static final int FLAT_KERNEL_SS = 0xE02B;

    private Delivery() {
    }

    /** What a bounce frame saves: the interrupted context and the trap bounce's error code (null: none). */
    record Interrupted(long rip, int cs, long rflags, long rsp, int ss, long rcx, long r11, boolean kernel,
            int upcallMask) {
    }

    /** One row of a bounce-frame layout: its name in {@code frame.*}, what it holds, whether it is pushed. */
    record Slot(String name, ToLongFunction<Frame> value, java.util.function.Predicate<Frame> pushed) {
    }

    /** The inputs of one frame: the interrupted context, error code, the saved RFLAGS and CS words. */
    record Frame(Interrupted from, Integer errorCode, long flagsWord, long csWord) {
    }

    /**
     * §5.4 step 4, the 64-bit frame, in push order (base-8 first): SS, RSP, RFLAGS, CS|mask&lt;&lt;32, RIP, [error
     * code], R11, RCX.
     */
    static final List<Slot> FRAME64 = List.of(
            new Slot("ss", f -> f.from().ss(), f -> true),
            new Slot("rsp", f -> f.from().rsp(), f -> true),
            new Slot("rflags", Frame::flagsWord, f -> true),
            new Slot("cs", Frame::csWord, f -> true),
            new Slot("rip", f -> f.from().rip(), f -> true),
            new Slot("error_code", f -> Integer.toUnsignedLong(f.errorCode()), f -> f.errorCode() != null),
            new Slot("r11", f -> f.from().r11(), f -> true),
            new Slot("rcx", f -> f.from().rcx(), f -> true));

    /**
     * §5.5 the compat frame, in push order, 4 bytes each: [SS, ESP] (from ring 3 only), EFLAGS, CS|mask&lt;&lt;16, EIP,
     * [error code].
     */
    static final List<Slot> FRAME32 = List.of(
            new Slot("ss", f -> f.from().ss(), f -> !f.from().kernel()),
            new Slot("esp", f -> f.from().rsp() & 0xFFFFFFFFL, f -> !f.from().kernel()),
            new Slot("eflags", Frame::flagsWord, f -> true),
            new Slot("cs", Frame::csWord, f -> true),
            new Slot("eip", f -> f.from().rip() & 0xFFFFFFFFL, f -> true),
            new Slot("error_code", f -> Integer.toUnsignedLong(f.errorCode()), f -> f.errorCode() != null));

    /** The frame fields in the order the outcome lists them (innermost slot first, then base). */
    private static final List<String> ORDER64 = List.of("rcx", "r11", "error_code", "rip", "cs", "rflags", "rsp",
            "ss");
    private static final List<String> ORDER32 = List.of("error_code", "eip", "cs", "eflags", "esp", "ss");

    /** §5.6 reason names by vector. */
    static String noHandler(int vector) {
        return switch (vector) {
            case Vectors.PF -> "no_pf_handler";
            case Vectors.GP -> "no_gp_handler";
            default -> "no_handler";
        };
    }

    static boolean hasErrorCode(int vector) {
        return vector == Vectors.DF || (vector >= 10 && vector <= 14) || vector == Vectors.AC;
    }

    /** The interrupted guest context of the step's vCPU. */
    static Interrupted current(PvState s) {
        if (s.contextOverride != null) {
            return s.contextOverride;
        }
        var v = s.vcpu;
        return new Interrupted(v.rip(), v.cs(), v.rflags(), v.rsp(), v.ss(), v.rcx(), v.r11(), v.kernelMode(),
                v.upcallMask());
    }

    /**
     * §5.2 + §5.3 + §5.4/§5.5: deliver {@code vector} with {@code errorCode} (the hardware/Xen value: the U bit of a
     * #PF is rewritten here) and CR2 to the guest's handler.
     */
    static Decided deliver(PvState s, Knobs knobs, int vector, Integer errorCode, Long cr2, String cause) {
        TrapInfoSpec ti = s.vcpu.trap(vector);
        Integer ec = hasErrorCode(vector) ? errorCode : null;
        if (vector == Vectors.PF) {
            // §5.2.3 "U bit rewritten: cleared, then set iff the guest was not in guest-kernel mode"
            ec = (errorCode & ~PfErrorCode.U) | (s.vcpu.kernelMode() ? 0 : PfErrorCode.U);
            s.effects.put("vcpu.ctrlreg2", PvState.hex(cr2));   // §5.2.2 arch_set_cr2
        }
        if ((s.vcpu.rflags() & TF) != 0) {
            throw new NotModelled("guest single-stepping (TF) around a delivery");
        }
        boolean masks = ti.disablesEvents();   // §5.2.5 TBF_INTERRUPT if trap_info.flags bit 2
        Interrupted from = current(s);
        Bounce b = s.pv32() ? bounce32(s, from, ec, ti.address(), ti.cs(), masks, noHandler(vector))
                : bounce64(s, from, ec, ti.address(), masks, noHandler(vector));
        if (b.end() != null) {
            return b.end();
        }
        SequencedMap<String, Long> frame = new LinkedHashMap<>(b.fields());
        int maskAfter = masks ? 1 : from.upcallMask();
        // §5.3 (5): an event upcall is bounced on top when events are pending and unmasked
        boolean pending = knobs.eventsPending() || s.vcpu.upcallPending() != 0;
        String rule = cause;
        if (pending && maskAfter == 0) {
            long handlerRsp = b.bottom();
            Interrupted inHandler = s.pv32()
                    ? new Interrupted(ti.address(), ti.cs(), (from.rflags() & ~CLEARED_ON_TRAP) | IF, handlerRsp,
                            s.vcpu.kernelSs(), 0, 0, true, 0)
                    : new Interrupted(ti.address(), FLAT_KERNEL_CS, (from.rflags() & ~CLEARED_ON_TRAP) | IF,
                            handlerRsp, FLAT_KERNEL_SS, from.rcx(), from.r11(), true, 0);
            long cb = s.view.eventCallback();
            if (s.pv32() && cb == 0) {
                // 32-bit: null_trap_bounce tests the callback's CS (§1), which the view does not carry
                throw new NotModelled("32-bit event upcall with no callback address (callback CS not in view)");
            }
            Bounce up = s.pv32() ? bounce32(s, inHandler, null, cb, cb == 0 ? 0 : 0xE019, true, "no_event_callback")
                    : bounce64(s, inHandler, null, cb, true, "no_event_callback");
            if (up.end() != null) {
                return up.end();
            }
            frame.put("upcall_handler", cb);
            frame.put("upcall_base", up.fields().get("base"));
            frame.put("upcall_rip", ti.address());
            rule = "pv.5.3";
            maskAfter = 1;
        }
        s.effects.put("vcpu.upcall_mask", Integer.toString(maskAfter));
        s.effects.put("vcpu.kernel_mode", "true");
        return Decided.delivered(vector, ec, vector == Vectors.PF ? cr2 : null, ti.address(), frame, rule,
                "delivered to the guest's vector-" + vector + " handler (" + cause + ")");
    }

    /** The result of one bounce: a crash/panic ({@code end}), or the frame's fields and its bottom. */
    record Bounce(Decided end, SequencedMap<String, Long> fields, long bottom) {
        static Bounce ended(Decided d) {
            return new Bounce(d, null, 0);
        }
    }

    /** §5.4 "RFLAGS: live value with IF := (old mask == 0) and IOPL := virtual IOPL if architectural_iopl else 0". */
    static long savedFlags(PvState s, long rflags, int oldMask) {
        long f = (rflags & ~IF) | (oldMask == 0 ? IF : 0);
        if (s.has(XenVersionTable.IOPL_VIRTUALISED)) {
            f = (f & ~IOPL) | (s.assist("architectural_iopl") ? (s.vcpu.iopl() & IOPL) : 0);
        }
        return f;
    }

    /** §5.4 {@code create_bounce_frame}, 64-bit. */
    static Bounce bounce64(PvState s, Interrupted from, Integer ec, long handler, boolean masks, String nullReason) {
        long cr3;
        List<TlbEntryView> tlb;
        long base;
        if (from.kernel()) {
            cr3 = s.cr3();
            tlb = s.tlb();
            base = from.rsp();
        } else {
            // §5.4.1 toggle_guest_mode: kernel L4, frame at kernel_sp
            cr3 = s.guestTable << 12;
            tlb = Hardware.afterCr3Switch(s.tlb());   // toggle_guest_mode switches CR3
            base = s.vcpu.kernelSp();
        }
        base &= ~15L;   // §5.4.2
        if (badStack(s, base)) {
            return Bounce.ended(Decided.crash("bad_stack", s.has(XenVersionTable.BAD_STACK_INCLUSIVE) ? "pv.8.7"
                    : "pv.5.4", "bounce-frame base 0x" + Long.toHexString(base) + " lies in Xen's range"));
        }
        long csWord = (from.kernel() ? from.cs() & ~3L : from.cs() & 0xFFFFL) | ((long) from.upcallMask() << 32);
        Frame f = new Frame(from, ec, savedFlags(s, from.rflags(), from.upcallMask()), csWord);
        SequencedMap<String, Long> byName = new LinkedHashMap<>();
        FrameStores stores = new FrameStores(s, cr3, tlb);
        long addr = base;
        for (Slot slot : FRAME64) {
            if (!slot.pushed().test(f)) {
                continue;
            }
            addr -= 8;
            Decided stop = stores.store(addr, 8);
            if (stop != null) {
                return Bounce.ended(stop);
            }
            byName.put(slot.name(), slot.value().applyAsLong(f));
        }
        if (handler == 0) {
            // §5.6 "create_bounce_frame writes the frame, then finds tb.eip == 0 → domain crash"
            return Bounce.ended(Decided.crash(nullReason, "pv.5.6", "no handler registered (tb.eip == 0)"));
        }
        return new Bounce(null, ordered(byName, ORDER64, base), addr);
    }

    /** §5.5 {@code compat_create_bounce_frame}, 32-bit. */
    static Bounce bounce32(PvState s, Interrupted from, Integer ec, long handler, int handlerCs, boolean masks,
            String nullReason) {
        long cr3 = s.cr3();
        List<TlbEntryView> tlb = s.tlb();
        long base;
        if (from.kernel()) {
            base = from.rsp() & 0xFFFFFFFFL;
        } else {
            if ((s.vcpu.kernelSs() & ~3) == 0) {
                throw new NotModelled("compat bounce with a null kernel_ss");
            }
            base = s.vcpu.kernelSp() & 0xFFFFFFFFL;
        }
        long csWord = (from.cs() & 0xFFFFL) | ((long) from.upcallMask() << 16);
        Frame f = new Frame(from, ec, savedFlags(s, from.rflags(), from.upcallMask()) & 0xFFFFFFFFL, csWord);
        SequencedMap<String, Long> byName = new LinkedHashMap<>();
        FrameStores stores = new FrameStores(s, cr3, tlb);
        long addr = base;
        for (Slot slot : FRAME32) {
            if (!slot.pushed().test(f)) {
                continue;
            }
            addr = (addr - 4) & 0xFFFFFFFFL;
            Decided stop = stores.store(addr, 4);
            if (stop != null) {
                return Bounce.ended(stop);
            }
            byName.put(slot.name(), slot.value().applyAsLong(f));
        }
        if ((handlerCs & ~3) == 0) {
            // §1 null_trap_bounce (32-bit): (tb->cs & ~3) == 0; §5.5 "null selector → domain crash"
            return Bounce.ended(Decided.crash(nullReason, "pv.5.6", "no handler registered (null CS)"));
        }
        return new Bounce(null, ordered(byName, ORDER32, base), addr);
    }

    private static SequencedMap<String, Long> ordered(SequencedMap<String, Long> byName, List<String> order,
            long base) {
        SequencedMap<String, Long> out = new LinkedHashMap<>();
        for (String n : order) {
            if (byName.containsKey(n)) {
                out.put(n, byName.get(n));
            }
        }
        out.put("base", base);
        return out;
    }

    /**
     * §5.4.2: the base may not lie in Xen's range. Today HYPERVISOR_VIRT_START &lt; base &lt; HYPERVISOR_VIRT_END+64;
     * 3.1 (§8.7) HYPERVISOR_VIRT_START &lt;= base &lt; HYPERVISOR_VIRT_END+60.
     */
    static boolean badStack(PvState s, long base) {
        long hvs = Hardware.HYPERVISOR_VIRT_START;
        long hve = Hardware.HYPERVISOR_VIRT_END;
        if (s.has(XenVersionTable.BAD_STACK_INCLUSIVE)) {
            return Long.compareUnsigned(base, hvs) >= 0 && Long.compareUnsigned(base, hve + 60) < 0;
        }
        return Long.compareUnsigned(base, hvs) > 0 && Long.compareUnsigned(base, hve + 64) < 0;
    }

    /**
     * §5.7: one store of the frame by Xen. A fault the tables do not justify is spurious and retried (§2.6); a
     * RSVD fault panics today (§2.2 step 4); any other fault goes through the exception table to the domain-crash
     * stub.
     */
    static Decided store(PvState s, long cr3, List<TlbEntryView> tlb, long addr, int size) {
        long last = addr + size - 1;
        long[] pieces = (addr >>> 12) == (last >>> 12) ? new long[] {addr} : new long[] {addr, (addr | 0xFFF) + 1};
        for (long p : pieces) {
            Hardware.Translation t = Hardware.xen(s, cr3, p, AccessKind.WRITE, tlb);
            if (t.fault()) {
                return Decided.crash("bounce_frame_fault", "pv.5.7",
                        "bounce-frame store to 0x" + Long.toHexString(p) + " faults in Xen: extable crash stub");
            }
        }
        return null;
    }

    /**
     * The stores of one bounce frame ({@link #store}), slot after slot: a page that took a store takes the frame's
     * next stores to it too (the same translation, and nothing changes in between: the model translates Xen's stores
     * and does not write the frame into memory), so each page of the frame is translated once.
     */
    static final class FrameStores {
        private final PvState s;
        private final long cr3;
        private final List<TlbEntryView> tlb;
        /** The page (linear page number) a store of this frame went to without a fault; -1 for none yet. */
        private long storedPage = -1;

        FrameStores(PvState s, long cr3, List<TlbEntryView> tlb) {
            this.s = s;
            this.cr3 = cr3;
            this.tlb = tlb;
        }

        Decided store(long addr, int size) {
            long page = addr >>> 12;
            boolean onePage = page == (addr + size - 1) >>> 12;
            if (onePage && page == storedPage) {
                return null;
            }
            Decided stop = Delivery.store(s, cr3, tlb, addr, size);
            if (stop == null && onePage) {
                storedPage = page;
            }
            return stop;
        }
    }
}
