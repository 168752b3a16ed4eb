package xpf.prop;

import java.util.ArrayList;
import java.util.List;

/**
 * What a property body may tell the engine about the current try: statistics labels, assumptions, notes.
 * Labels count once per try; they are kept only for tries that pass, so percentages are of valid tries.
 */
public final class TryContext {
    /** Category of labels given without one. */
    public static final String DEFAULT_CATEGORY = "labels";

    private final List<String> categories = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private List<String> notes;
    private final boolean keepNotes;

    public TryContext(boolean keepNotes) {
        this.keepNotes = keepNotes;
    }

    void reset() {
        categories.clear();
        labels.clear();
        notes = null;
    }

    /** Counts this try under {@code label} (category {@value #DEFAULT_CATEGORY}). */
    public TryContext label(String label) {
        return label(DEFAULT_CATEGORY, label);
    }

    /** Counts this try under {@code value} in {@code category}, e.g. {@code label("path", "ptwr emulated")}. */
    public TryContext label(String category, Object value) {
        String l = String.valueOf(value);
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).equals(l) && categories.get(i).equals(category)) {
                return this;
            }
        }
        categories.add(category);
        labels.add(l);
        return this;
    }

    /** Discards the try when {@code condition} is false: the case does not apply. */
    public void assume(boolean condition) {
        if (!condition) {
            throw new Discard("assumption failed");
        }
    }

    /** A line printed with the shrunk counterexample (kept only when the engine replays the final failure). */
    public void note(String line) {
        if (keepNotes) {
            if (notes == null) {
                notes = new ArrayList<>();
            }
            notes.add(line);
        }
    }

    int labelCount() {
        return labels.size();
    }

    String categoryAt(int i) {
        return categories.get(i);
    }

    String labelAt(int i) {
        return labels.get(i);
    }

    List<String> notes() {
        return notes == null ? List.of() : List.copyOf(notes);
    }
}
