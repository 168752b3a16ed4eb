package xpf.sim.xen.hvm.svm;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The VMCB fields the #PF path reads and writes, as explicit registers (xen-hvm-fault-path.md §1.1-§1.2;
 * {@code struct vmcb_struct}, asm/hvm/svm/vmcb.h). Control area: exception intercepts, CR3/INVLPG intercepts, NP
 * enable and {@code h_cr3}, guest ASID, {@code exitcode} (0x70), {@code exitinfo1} (0x78), {@code exitinfo2}
 * (0x80), {@code exit_int_info} (0x88), {@code event_inj} (0xA8), {@code nextrip} (0xC8), {@code guest_ins_len}
 * (0xD0); state-save area: guest CR2 (0x640). Mutable: it is the hardware/Xen shared state.
 */
public final class Vmcb {
    public int exceptionIntercepts;
    public boolean cr3Intercepts;
    public boolean invlpgIntercept;
    public boolean npEnable;
    public long hCr3;
    public long guestAsid = 1;
    public long exitcode;
    public long exitinfo1;
    public long exitinfo2;
    public long exitIntInfo;
    public long eventInj;
    public long nextrip;
    public long guestInsLen;
    public long cr2;
    public long cleanbits;

    /** Every field by name (Xen's names), in VMCB order. */
    public SequencedMap<String, Long> fields() {
        SequencedMap<String, Long> m = new LinkedHashMap<>();
        m.put("exception_intercepts", Integer.toUnsignedLong(exceptionIntercepts));
        m.put("cr3_intercepts", cr3Intercepts ? 1L : 0L);
        m.put("invlpg_intercept", invlpgIntercept ? 1L : 0L);
        m.put("np_enable", npEnable ? 1L : 0L);
        m.put("h_cr3", hCr3);
        m.put("guest_asid", guestAsid);
        m.put("exitcode", exitcode);
        m.put("exitinfo1", exitinfo1);
        m.put("exitinfo2", exitinfo2);
        m.put("exit_int_info", exitIntInfo);
        m.put("eventinj", eventInj);
        m.put("nextrip", nextrip);
        m.put("guest_ins_len", guestInsLen);
        m.put("cr2", cr2);
        m.put("cleanbits", cleanbits);
        return m;
    }
}
