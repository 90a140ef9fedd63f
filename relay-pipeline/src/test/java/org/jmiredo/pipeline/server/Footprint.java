package org.jmiredo.pipeline.server;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The structural size of what a set of roots keeps alive inside the project's own classes: objects,
 * plus array lengths, plus collection and map sizes, following every instance field of
 * {@code org.jmiredo} classes. Netty objects (channels), allocators, JDK value objects and lambdas are
 * counted as one leaf each and not entered, so the number only changes when our code keeps more.
 */
final class Footprint {
    private Footprint() {}

    static long of(Object... roots) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        for (Object root : roots) {
            todo.push(root);
        }
        long size = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            size += 1 + visit(o, todo);
        }
        return size;
    }

    private static long visit(Object o, Deque<Object> todo) {
        Class<?> c = o.getClass();
        if (c.isArray()) {
            int length = Array.getLength(o);
            if (!c.getComponentType().isPrimitive()) {
                for (int i = 0; i < length; i++) {
                    push(Array.get(o, i), todo);
                }
            }
            return length;
        }
        if (o instanceof Collection<?> collection) {
            collection.forEach(e -> push(e, todo));
            return collection.size();
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                push(k, todo);
                push(v, todo);
            });
            return map.size();
        }
        if (o instanceof io.netty.buffer.ByteBufAllocator) {
            return 0; // the test's tracking allocator is ours by name but not the server's state
        }
        if (c.getName().startsWith("org.jmiredo.") && !c.isHidden() && !c.isEnum()) {
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                pushFields(o, k, todo);
            }
        }
        return 0;
    }

    private static void pushFields(Object o, Class<?> k, Deque<Object> todo) {
        for (Field f : k.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                continue;
            }
            try {
                f.setAccessible(true);
                push(f.get(o), todo);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new AssertionError("cannot read " + f, e);
            }
        }
    }

    private static void push(Object o, Deque<Object> todo) {
        if (o != null) {
            todo.push(o);
        }
    }
}
