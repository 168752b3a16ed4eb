package xpf.sim.trace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import xpf.model.scenario.Outcome;
import xpf.model.x86.PfErrorCode;

/**
 * The event trace of one scenario run. Paths record what they decide as they decide it; {@code xpf explain} prints
 * the trace as a numbered call flow and reports attach it. Values render as {@link Long} in hex, {@link Integer} in
 * decimal, {@link Ec} as symbolic #PF error code, anything else with {@code toString}; values of immutable types are
 * rendered when an event's fields are first read, others when they are recorded (see {@link TraceEvent}).
 */
public final class Trace {

    /** Wraps an int so that it renders as a symbolic #PF error code ({@code P|W|U}). */
    public record Ec(int value) {
        @Override
        public String toString() {
            return PfErrorCode.symbolic(value);
        }
    }

    private final List<TraceEvent> events = new ArrayList<>();
    private int step;
    private boolean enabled = true;

    /** A trace that records nothing (for throughput runs); {@link #events()} stays empty. */
    public static Trace disabled() {
        Trace t = new Trace();
        t.enabled = false;
        return t;
    }

    public boolean enabled() {
        return enabled;
    }

    public static Ec ec(int v) {
        return new Ec(v);
    }

    /** Marks the start of step {@code index} (0-based); following events carry it. */
    public void beginStep(int index) {
        this.step = index;
    }

    public int currentStep() {
        return step;
    }

    private void add(TraceEvent.Kind kind, String name, Object... kv) {
        if (!enabled) {
            return;
        }
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("fields must be key/value pairs");
        }
        // Keys are rendered now; values of immutable types stay as they are until the event's fields are read
        // (TraceEvent), any other value is rendered now, since it might change after the call.
        Object[] own = new Object[kv.length];
        for (int i = 0; i < kv.length; i += 2) {
            own[i] = String.valueOf(kv[i]);
            Object v = kv[i + 1];
            own[i + 1] = immutable(v) ? v : render(v);
        }
        events.add(new TraceEvent(events.size() + 1, step, kind, name, own));
    }

    /** Values whose rendering cannot change after they are recorded. */
    private static boolean immutable(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof String || v instanceof Ec
                || v instanceof Boolean || v instanceof Enum<?> || v instanceof Short || v instanceof Byte
                || v instanceof Character;
    }

    static String render(Object v) {
        if (v instanceof Long l) {
            return "0x" + Long.toHexString(l);
        }
        return String.valueOf(v);
    }

    public void op(String name, Object... kv) {
        add(TraceEvent.Kind.OP, name, kv);
    }

    public void hardware(String name, Object... kv) {
        add(TraceEvent.Kind.HARDWARE, name, kv);
    }

    public void vmexit(String name, Object... kv) {
        add(TraceEvent.Kind.VMEXIT, name, kv);
    }

    /** A Xen decision point: {@code symbol} is the C function's name (e.g. {@code fixup_page_fault}). */
    public void call(String symbol, Object... kv) {
        add(TraceEvent.Kind.CALL, symbol, kv);
    }

    /** A xentrace record: TRC name, 32-bit event id, payload words (low word first for 64-bit values). */
    public void xentrace(String trcName, int id, long... payload) {
        if (!enabled) {
            return;
        }
        Object[] kv = new Object[2 + 2 * payload.length];
        kv[0] = "id";
        kv[1] = hex8(id);
        for (int i = 0; i < payload.length; i++) {
            kv[2 + 2 * i] = i < PAYLOAD_KEYS.length ? PAYLOAD_KEYS[i] : "d" + i;
            kv[3 + 2 * i] = payload[i];
        }
        add(TraceEvent.Kind.XENTRACE, trcName, kv);
    }

    private static final String[] PAYLOAD_KEYS = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};

    /** {@code String.format("0x%08x", id)} without the formatter (it was a tenth of the trace's cost). */
    static String hex8(int id) {
        String h = Integer.toHexString(id);
        return "0x" + "00000000".substring(h.length()) + h;
    }

    public void resume(String name, Object... kv) {
        add(TraceEvent.Kind.RESUME, name, kv);
    }

    public void note(String text) {
        add(TraceEvent.Kind.NOTE, text);
    }

    public void outcome(Outcome o) {
        if (!enabled) {
            return;
        }
        List<Object> kv = new ArrayList<>();
        o.fields().forEach((k, v) -> {
            kv.add(k);
            kv.add(v);
        });
        add(TraceEvent.Kind.OUTCOME, o.outcomeClass().wireName(), kv.toArray());
    }

    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /** Events of one step. */
    public List<TraceEvent> eventsOfStep(int index) {
        return events.stream().filter(e -> e.step() == index).toList();
    }

    /** The whole trace, one line per event. */
    public String render() {
        StringBuilder b = new StringBuilder();
        for (TraceEvent e : events) {
            b.append(e.line()).append('\n');
        }
        return b.toString();
    }

    /** SHA-256 of {@link #render()}: the determinism fingerprint of a run. */
    public String hash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(render().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
