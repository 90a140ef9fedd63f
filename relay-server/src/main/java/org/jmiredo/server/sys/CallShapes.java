package org.jmiredo.server.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;

/**
 * How {@link Libc} links the C library: its two call shapes, errno captured after each call, a handle that
 * throws for a function this C library lacks, and the words a downcall takes and gives back.
 */
final class CallShapes {
    private CallShapes() {}

    private static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /*
     * Every function goes through one of two call shapes, so that a fresh JVM generates two downcall stubs instead
     * of one per function: each new shape cost a start 4 to 21 ms (classes spun for it, and the JIT's work
     * on the spinning), and a relay linked 16 before it was ready (BENCHMARKS.md, "Eighth iteration"). Functions
     * of one shape share its stub (the linker caches it by descriptor and options), so linking one more costs
     * about 0.1 ms. Every argument and result is a 64-bit word: on the LP64 ABIs we run on (x86-64 System V,
     * AArch64 AAPCS64) an int argument travels in the low half of an integer register and the callee reads only
     * that half, a pointer is the whole register, and an int result is the low half of the result register, so
     * the int functions' results are narrowed with (int). A function of fewer arguments gets zeros after its
     * own, which it never reads (registers, not stack, for up to 6 integer arguments on both ABIs).
     */
    private static final FunctionDescriptor SIX_WORDS =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    /** open, ioctl, fcntl: variadic after two words; x86-64 needs the variadic call's vector-register count. */
    private static final FunctionDescriptor TWO_WORDS_AND_ONE_VARIADIC =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    static MethodHandle plain(String name) {
        return downcall(name, SIX_WORDS);
    }

    static MethodHandle variadic(String name) {
        return downcall(name, TWO_WORDS_AND_ONE_VARIADIC, Linker.Option.firstVariadicArg(2));
    }

    @SuppressWarnings("restricted") // the point of this class; the JVM runs with --enable-native-access
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = Linker.Option.captureCallState("errno");
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElse(null);
        if (symbol == null) {
            return missing(name, LINKER.downcallHandle(descriptor, all).type().dropParameterTypes(0, 1));
        }
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    /*
     * A function this C library lacks (recvmmsg and sendmmsg on macOS, setns off Linux): a handle of the
     * same type that throws when called, so that the class still loads there and the calls it does have (open,
     * ioctl, socket: the BSD tunnel's) work. The Linux-only paths that need the missing ones are never taken there.
     */
    private static MethodHandle missing(String name, MethodType type) {
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), UnsatisfiedLinkError.class)
                .bindTo(new UnsatisfiedLinkError("this C library has no " + name));
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    /**
     * The address of {@code segment} as the word a downcall takes. The caller keeps the segment reachable until
     * the call returns ({@link Reference#reachabilityFence}), which a pointer argument would have done for it.
     */
    static long address(MemorySegment segment) {
        if (!segment.isNative() || !segment.scope().isAlive()) {
            throw new IllegalArgumentException("not a live native segment: " + segment);
        }
        return segment.address();
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("downcall failed", t);
    }
}
