package xpf.conformance.reference;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;

/**
 * §1.1d "Page-fault error code" as rules, one per bit. The access bits (W, U, I) describe the access and are set on
 * every #PF, including P=0 and RSVD faults; P, RSVD and PK describe why the fault happened.
 */
final class ErrorCodeRule {

    private ErrorCodeRule() {
    }

    /** W, U and I: the bits every #PF of this access carries. */
    static int accessBits(PagingControls c, Access a) {
        int ec = 0;
        // §1.1d bit 1 "W/R: 1 iff the access was a write (describes the access, not the rights)"
        if (a.kind() == AccessKind.WRITE) {
            ec |= PfErrorCode.W;
        }
        // §1.1d bit 2 "U/S: 1 iff user-mode access; implicit supervisor accesses at CPL3 give 0"
        if (a.cpl() == 3 && !a.implicit()) {
            ec |= PfErrorCode.U;
        }
        // §1.1d bit 4 "I/D: 1 iff fetch ∧ (CR4.SMEP=1 ∨ (CR4.PAE=1 ∧ EFER.NXE=1))" — CR4.PAE=1 in every mode but
        // 32-bit paging
        if (a.kind() == AccessKind.FETCH && (c.cr4Smep() || (c.mode() != PagingMode.LEGACY2 && c.eferNxe()))) {
            ec |= PfErrorCode.I;
        }
        return ec;
    }

    /** §1.1d bit 0 "P: 0 = some entry had P=0". */
    static int notPresent(int accessBits) {
        return accessBits;
    }

    /** §1.1d bits 0 and 3: "RSVD: 1 iff reserved bit set in an entry used (only with P=1)"; PK=0 (§1.1b). */
    static int reserved(int accessBits) {
        return accessBits | PfErrorCode.P | PfErrorCode.RSVD;
    }

    /** §1.1d steps 4: "Translation exists: ec |= P. PK violation ⇒ ec |= PK". */
    static int rights(int accessBits, boolean keyDenied) {
        return accessBits | PfErrorCode.P | (keyDenied ? PfErrorCode.PK : 0);
    }
}
