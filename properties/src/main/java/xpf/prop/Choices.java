package xpf.prop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.ChoiceSource;
import xpf.prop.choice.Overrun;
import xpf.prop.choice.Span;

/**
 * The one object a generator draws from. Every draw goes to the {@link ChoiceSource} and is recorded, in order,
 * one entry per draw (forced draws too, so that replay stays aligned whatever a shrink edits). Generators may open
 * labelled spans around the choices of one value; the shrinker edits the sequence span by span.
 *
 * <p>One instance is reused for all tries of a run ({@link #reset}) so the hot path allocates nothing.
 */
public final class Choices {
    /** Default limit of choices per try; a try that draws more is discarded (see {@link Overrun}). */
    public static final int DEFAULT_MAX_CHOICES = 1 << 16;

    private ChoiceSource source;
    private final int maxChoices;
    private long[] values = new long[64];
    private int size;

    private int[] spanStart = new int[16];
    private int[] spanEnd = new int[16];
    private int[] spanParent = new int[16];
    private String[] spanLabel = new String[16];
    private int spanCount;
    private int openSpan = -1;

    public Choices(ChoiceSource source) {
        this(source, DEFAULT_MAX_CHOICES);
    }

    public Choices(ChoiceSource source, int maxChoices) {
        this.source = source;
        this.maxChoices = maxChoices;
    }

    /** Starts a new try on {@code newSource}, forgetting the previous record. */
    public Choices reset(ChoiceSource newSource) {
        this.source = newSource;
        this.size = 0;
        this.spanCount = 0;
        this.openSpan = -1;
        return this;
    }

    /** A choice in {@code [0, max]} (unsigned); 0 is the simplest. */
    public long choose(long max) {
        return record(source.next(max));
    }

    /** A choice in {@code [0, max]} that random sources sometimes take from {@code edges}. */
    public long choose(long max, long[] edges) {
        return record(source.next(max, edges));
    }

    /** An index in {@code [0, n)}. */
    public int index(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("cannot choose among " + n + " alternatives");
        }
        return (int) choose(n - 1);
    }

    /**
     * A weighted coin: {@code true} with probability {@code p}. Simplest is {@code false}. A coin with
     * {@code p <= 0} or {@code p >= 1} is forced: it takes its slot but draws nothing.
     */
    public boolean coin(double p) {
        if (p <= 0) {
            return forced(0) != 0;
        }
        if (p >= 1) {
            return forced(1) != 0;
        }
        return record(source.nextCoin(p) ? 1 : 0) != 0;
    }

    /** Records {@code value} without drawing, keeping the sequence aligned with replays. */
    public long forced(long value) {
        source.skip();
        return record(value);
    }

    /** Draws a value from {@code gen}. */
    public <T> T draw(Gen<T> gen) {
        return gen.generate(this);
    }

    /** Draws a value from {@code gen} inside a span labelled {@code label}. */
    public <T> T draw(String label, Gen<T> gen) {
        startSpan(label);
        T value = gen.generate(this);
        endSpan();
        return value;
    }

    private long record(long v) {
        if (size == values.length) {
            if (size >= maxChoices) {
                throw new Overrun(maxChoices);
            }
            values = Arrays.copyOf(values, Math.min(size * 2, maxChoices));
        }
        values[size++] = v;
        return v;
    }

    /** Opens a span; every {@code startSpan} must be matched by {@link #endSpan()}. */
    public void startSpan(String label) {
        if (spanCount == spanStart.length) {
            int n = spanCount * 2;
            spanStart = Arrays.copyOf(spanStart, n);
            spanEnd = Arrays.copyOf(spanEnd, n);
            spanParent = Arrays.copyOf(spanParent, n);
            spanLabel = Arrays.copyOf(spanLabel, n);
        }
        int k = spanCount++;
        spanStart[k] = size;
        spanEnd[k] = -1;
        spanParent[k] = openSpan;
        spanLabel[k] = label;
        openSpan = k;
    }

    public void endSpan() {
        if (openSpan < 0) {
            throw new IllegalStateException("endSpan without startSpan");
        }
        spanEnd[openSpan] = size;
        openSpan = spanParent[openSpan];
    }

    /** Number of choices drawn so far in this try. */
    public int size() {
        return size;
    }

    /** The choices drawn so far, as an immutable sequence. */
    public ChoiceSequence recorded() {
        return ChoiceSequence.wrap(Arrays.copyOf(values, size));
    }

    /** The spans opened so far in pre-order; spans still open (the try threw) end at the current size. */
    public List<Span> spans() {
        List<Span> out = new ArrayList<>(spanCount);
        for (int k = 0; k < spanCount; k++) {
            int end = spanEnd[k] < 0 ? size : spanEnd[k];
            out.add(new Span(spanStart[k], end, spanLabel[k], spanParent[k]));
        }
        return out;
    }
}
