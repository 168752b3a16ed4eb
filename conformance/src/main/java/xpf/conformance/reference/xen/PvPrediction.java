package xpf.conformance.reference.xen;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * A PV prediction with the intended effects the outcome does not carry (docs/reference-model-pv.md "Intended
 * effects"): {@code mem.<machine address>} = the 8-byte value Xen stores there (a PTE written by ptwr, mmu_update or
 * update_va_mapping, with Xen's flag adjustments and flips; an entry rewritten by validation), {@code ptwr.pte} =
 * {@code <address>=<value>} of the ptwr store, {@code vcpu.*} (ctrlreg2, upcall_mask, kernel_mode, ldt_base,
 * ldt_ents, guest_table, guest_table_user, ldt_shadow.N), {@code frame.<mfn>.pinned}. Effects are predicted for
 * xen-4.22 only (the reference describes today's adjustments) and only for modelled steps.
 */
public record PvPrediction(Prediction prediction, SequencedMap<String, String> effects) {
    public PvPrediction {
        effects = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(effects));
    }
}
