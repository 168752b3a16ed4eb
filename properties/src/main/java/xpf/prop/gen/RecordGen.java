package xpf.prop.gen;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

import xpf.prop.Choices;
import xpf.prop.Gen;

/**
 * Instances of a record, one generator per component in declaration order. Checked when built (count, and
 * primitive components cannot take null), so a mismatch fails at once with the component's name.
 */
public final class RecordGen<R extends Record> implements Gen<R> {
    private final Constructor<R> constructor;
    private final Gen<?>[] components;

    public RecordGen(Class<R> type, List<Gen<?>> components) {
        RecordComponent[] rc = type.getRecordComponents();
        if (rc == null) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        if (rc.length != components.size()) {
            throw new IllegalArgumentException(type.getSimpleName() + " has " + rc.length + " components "
                    + Arrays.stream(rc).map(RecordComponent::getName).toList() + " but " + components.size()
                    + " generators were given");
        }
        try {
            this.constructor = type.getDeclaredConstructor(Arrays.stream(rc).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("no canonical constructor in " + type.getName(), e);
        }
        this.components = components.toArray(Gen<?>[]::new);
    }

    @Override
    public R generate(Choices choices) {
        Object[] args = new Object[components.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = components[i].generate(choices);
        }
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            // The record's own validation rejected the values: surface its exception unchanged.
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + constructor.getDeclaringClass().getName(), e);
        }
    }
}
