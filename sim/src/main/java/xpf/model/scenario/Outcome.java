package xpf.model.scenario;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import xpf.model.x86.Vectors;

/**
 * What one step ended in. Every outcome renders its facts as an ordered map of canonical strings
 * ({@link #fields()}): numbers in lowercase hex with 0x (vectors and counts in decimal), error codes symbolic. That
 * map is what expectations are checked against, what traces print, and what the reference model must reproduce.
 */
public sealed interface Outcome {

    OutcomeClass outcomeClass();

    /** The outcome's facts, canonical strings, in a stable order. */
    SequencedMap<String, String> fields();

    /** One line: {@code delivered vector=14 error_code=P|W cr2=0x1000 ...}. */
    default String summary() {
        StringBuilder b = new StringBuilder(outcomeClass().wireName());
        fields().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    /** The raw injection fields as {@code event.*}, then the guest delivery's fields as {@code delivery.*}. */
    private static void putEventAndDelivery(SequencedMap<String, String> m, Map<String, Long> event,
            Delivered delivery) {
        for (Map.Entry<String, Long> e : event.entrySet()) {
            m.put("event." + e.getKey(), OutcomeFields.hex(e.getValue()));
        }
        if (delivery != null) {
            delivery.fields().forEach((k, v) -> m.put("delivery." + k, v));
        }
    }

    /** The access completed; {@code value} is what a read returned (null for writes and fetches). */
    record Completed(Long value) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.OK;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            if (value != null) {
                m.put("value", OutcomeFields.hex(value));
            }
            return m;
        }
    }

    /**
     * Xen fixed the fault and the guest retries: {@code fixup} names how (e.g. {@code ldt_mapped}, {@code spurious},
     * {@code paging}, {@code shadow_fixup}, {@code unshadow_user}); {@code detail} is free text for people.
     */
    record Fixed(String fixup, String detail) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.FIXED;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("fixup", fixup);
            return m;
        }
    }

    /**
     * Xen emulated the instruction ({@code what}: {@code ptwr}, {@code mmio_ro}, {@code pt_write}, {@code mmio},
     * ...); {@code value} is what an emulated read returned.
     */
    record Emulated(String what, Long value) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.EMULATED;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("fixup", what);
            if (value != null) {
                m.put("value", OutcomeFields.hex(value));
            }
            return m;
        }
    }

    /**
     * The guest's handler for {@code vector} runs: with {@code errorCode} (null if the vector has none), CR2 (for #PF)
     * and the exception frame it finds on its stack ({@code frame}: slot name → value, e.g. rip, cs, rflags, rsp, ss,
     * error_code, rcx, r11, base).
     */
    record Delivered(int vector, Integer errorCode, Long cr2, long handler, SequencedMap<String, Long> frame)
            implements Outcome {
        public Delivered {
            frame = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(frame));
        }

        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.DELIVERED;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("vector", Integer.toString(vector));
            if (errorCode != null) {
                m.put("error_code", OutcomeFields.errorCode(vector, errorCode));
            }
            if (cr2 != null) {
                m.put("cr2", OutcomeFields.hex(cr2));
            }
            m.put("handler", OutcomeFields.hex(handler));
            for (Map.Entry<String, Long> e : frame.entrySet()) {
                m.put("frame." + e.getKey(), OutcomeFields.hex(e.getValue()));
            }
            return m;
        }
    }

    /**
     * Xen injected an exception into an HVM guest: vector, error code, the CR2 it wrote, the raw injection fields
     * ({@code event}: e.g. {@code eventinj} for SVM, {@code entry_intr_info}/{@code entry_error_code} for VMX), and
     * what the guest's IDT delivery then did ({@code delivery}: a {@link Delivered}, or null when not simulated).
     */
    record Injected(int vector, Integer errorCode, Long cr2, SequencedMap<String, Long> event, Delivered delivery)
            implements Outcome {
        public Injected {
            event = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(event));
        }

        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.INJECTED;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("vector", Integer.toString(vector));
            if (errorCode != null) {
                m.put("error_code", OutcomeFields.errorCode(vector, errorCode));
            }
            if (cr2 != null) {
                m.put("cr2", OutcomeFields.hex(cr2));
            }
            putEventAndDelivery(m, event, delivery);
            return m;
        }
    }

    /**
     * The fault combined into #DF (error code 0). {@code cr2} is the CR2 written before the combination;
     * {@code event} the raw injection fields (HVM); {@code delivery} the guest's #DF handler run, if simulated.
     */
    record DoubleFault(Long cr2, SequencedMap<String, Long> event, Delivered delivery) implements Outcome {
        public DoubleFault {
            event = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(event));
        }

        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.DOUBLE_FAULT;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("vector", "8");
            // rendered like every non-#PF error code, so that an expected "error_code: 0" (normalised to 0x0) matches
            m.put("error_code", OutcomeFields.errorCode(Vectors.DF, 0));
            if (cr2 != null) {
                m.put("cr2", OutcomeFields.hex(cr2));
            }
            putEventAndDelivery(m, event, delivery);
            return m;
        }
    }

    /** The domain shut down after a triple fault, with Xen's shutdown reason ({@code reboot}, {@code crash}, ...). */
    record TripleFault(String shutdownReason, String cause) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.TRIPLE_FAULT;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("shutdown", shutdownReason);
            m.put("cause", cause);
            return m;
        }
    }

    /** Xen crashed the domain; {@code reason} is a stable identifier (e.g. {@code no_pf_handler}). */
    record DomainCrash(String reason, String detail) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.DOMAIN_CRASH;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("reason", reason);
            return m;
        }
    }

    /** Xen panicked; {@code reason} is a stable identifier (e.g. {@code fatal_page_fault}). */
    record Panic(String reason, String detail) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.PANIC;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("reason", reason);
            return m;
        }
    }

    /** An architectural exception that no Xen handler and no guest handler dealt with. */
    record ArchException(int vector, Integer errorCode, Long cr2) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.EXCEPTION;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("vector", Integer.toString(vector));
            if (errorCode != null) {
                m.put("error_code", OutcomeFields.errorCode(vector, errorCode));
            }
            if (cr2 != null) {
                m.put("cr2", OutcomeFields.hex(cr2));
            }
            return m;
        }
    }

    /** A hypercall returned {@code rc} (0 or a negative errno), with {@code done} requests completed if it counts. */
    record HypercallReturned(String hypercall, long rc, Integer done) implements Outcome {
        @Override
        public OutcomeClass outcomeClass() {
            return OutcomeClass.HYPERCALL;
        }

        @Override
        public SequencedMap<String, String> fields() {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            m.put("hypercall", hypercall);
            m.put("rc", Errno.name(rc));
            if (done != null) {
                m.put("done", Integer.toString(done));
            }
            return m;
        }
    }
}
