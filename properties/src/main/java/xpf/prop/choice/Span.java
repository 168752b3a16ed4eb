package xpf.prop.choice;

/**
 * The choices one generator call consumed: entries {@code [start, end)} of the sequence. Spans nest (a list's
 * element spans sit inside the list) and carry the label the generator gave them ("element", "step", ...), so
 * shrink passes can delete, zero or reorder whole values instead of single numbers.
 *
 * @param parent index of the enclosing span in the span list, or -1 at top level
 */
public record Span(int start, int end, String label, int parent) {
    public int length() {
        return end - start;
    }
}
