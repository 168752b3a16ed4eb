package xpf.conformance.reference.xen;

import xpf.model.scenario.Knobs;
import xpf.model.x86.TlbEntryView;
import xpf.model.x86.Vectors;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * §2.4 The GDT/LDT shadow area ({@code handle_gdt_ldt_mapping_fault}): which vCPU's area and which half a fault hit,
 * the lazy LDT mapping ({@code pv_map_ldt_shadow_page}) and its failure, and the GDT half's conversion to
 * {@code #GP(selector)}.
 */
final class GdtLdtArea {

    /** {@code GDT_LDT_VIRT_START}: the start of the per-domain area, L4 slot 260 (§1). */
    static final long START = 0xFFFF820000000000L;
    /** Each vCPU's area: 2^(5+12) bytes, lower half GDT, upper half LDT (§1). */
    static final int VCPU_SHIFT = 17;

    private GdtLdtArea() {
    }

    /**
     * The area's size: {@code MAX_VIRT_CPUS} areas of 128 KiB (Xen's configuration, not in the reference text:
     * 8192 vCPUs today, 32 in 3.1). Beyond it the address is not in the GDT/LDT area at all.
     */
    static long size(PvState s) {
        return (s.xen31() ? 32L : 8192L) << VCPU_SHIFT;
    }

    static boolean contains(PvState s, long addr) {
        return Long.compareUnsigned(addr, START) >= 0 && Long.compareUnsigned(addr - START, size(s)) < 0;
    }

    /** §2.4 for a guest-context #PF at {@code cr2} in the area; null when it returns 0. */
    static Decided handle(PvState s, Knobs knobs, int ec, long cr2) {
        long offset = cr2 - START;
        int vcpuArea = (int) (offset >>> VCPU_SHIFT);
        boolean ldt = ((offset >>> (VCPU_SHIFT - 1)) & 1) != 0;
        int sub = (int) (offset & ((1L << (VCPU_SHIFT - 1)) - 1));
        if (vcpuArea != s.vcpu.id()) {
            if (s.has(XenVersionTable.GDT_LDT_BUG_ON)) {
                return Decided.panic("gdt_ldt_bug_on", "pv.8.6", "BUG_ON(vcpu_area != current->vcpu_id)");
            }
            return null;   // "Area of another vCPU → return 0"
        }
        if (!ldt) {
            // "GDT half: convert to #GP(selector): error code := offset with EXT/IDT/TI bits cleared"
            int gpEc = (sub & 0xFFFF) & ~7;
            return Delivery.deliver(s, knobs, Vectors.GP, gpEc, null, "pv.2.4");
        }
        if ((sub >>> 3) >= s.ldtEnts) {
            throw new NotModelled("LDT access beyond ldt_ents (prevented by the CPU's limit check; no rule)");
        }
        if (mapLdtShadowPage(s, sub)) {
            return Decided.fixed("ldt_mapped", "pv.2.4", "LDT page typed seg_desc and mapped in the shadow slot");
        }
        long linear = s.ldtBase + sub;
        if (s.pv32()) {
            linear &= 0xFFFFFFFFL;
        }
        if (!Hardware.canonical(linear)) {
            // "if ldt_base+offset is non-canonical inject #GP with error code = offset with TI set"
            return Delivery.deliver(s, knobs, Vectors.GP, sub | 4, null, "pv.2.4");
        }
        // "else inject #PF with CR2 = ldt_base + offset and the original error code"
        return Delivery.deliver(s, knobs, Vectors.PF, ec, linear, "pv.2.4");
    }

    /**
     * §2.4 {@code pv_map_ldt_shadow_page}: the guest PTE of {@code ldt_base + offset} through the kernel linear page
     * table ({@code guest_get_eff_kern_l1e}); present; a general ref on a frame the domain owns; a seg_desc type
     * ref.
     */
    static boolean mapLdtShadowPage(PvState s, int offset) {
        long linear = s.ldtBase + offset;
        if (s.pv32()) {
            linear &= 0xFFFFFFFFL;
        }
        long[] l1 = kernelL1e(s, linear);
        if (l1 == null || !EntryFlags.present(l1[1])) {
            return false;
        }
        long mfn = EntryFlags.mfn(l1[1]);
        if (PageTypes.getPageAndType(s, mfn, FrameType.SEG_DESC, false) != 0) {
            return false;
        }
        s.effects.put("vcpu.ldt_shadow." + (offset >>> 12), PvState.hex(mfn));
        return true;
    }

    /**
     * §3.1 step 2 {@code guest_get_eff_kern_l1e}: the kernel-mode L1 entry of {@code linear} (64-bit: through the
     * kernel L4, toggling from user mode; 32-bit: the one set of tables).
     */
    static long[] kernelL1e(PvState s, long linear) {
        long cr3;
        java.util.List<TlbEntryView> tlb;
        if (!s.pv32() && !s.vcpu.kernelMode()) {
            cr3 = s.guestTable << 12;
            tlb = Hardware.afterCr3Switch(s.tlb());
        } else {
            cr3 = s.cr3();
            tlb = s.tlb();
        }
        return Hardware.linearEntry(s, cr3, linear, 1, tlb);
    }
}
