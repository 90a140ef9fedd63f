import java.lang.foreign.*;
import java.lang.invoke.*;
import static java.lang.foreign.ValueLayout.*;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.epoll.Epoll;
public class Mb {
  public static void main(String[] a) throws Throwable {
    Epoll.ensureAvailability();
    Linker L = Linker.nativeLinker();
    MemorySegment sym = L.defaultLookup().find("write").get();
    FunctionDescriptor fd = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    MethodHandle plain = L.downcallHandle(sym, fd, Linker.Option.captureCallState("errno"));
    MethodHandle crit = L.downcallHandle(sym, fd, Linker.Option.critical(false));
    MethodHandle critCap = L.downcallHandle(sym, fd, Linker.Option.critical(false), Linker.Option.captureCallState("errno"));
    MethodHandle getpid = L.downcallHandle(L.defaultLookup().find("getppid").get(), FunctionDescriptor.of(JAVA_INT));
    MethodHandle getpidC = L.downcallHandle(L.defaultLookup().find("getppid").get(), FunctionDescriptor.of(JAVA_INT), Linker.Option.critical(false));
    Arena ar = Arena.global();
    MemorySegment buf = ar.allocate(80); MemorySegment st = ar.allocate(Linker.Option.captureStateLayout());
    int n = Integer.parseInt(a[0]);
    java.io.RandomAccessFile f = new java.io.RandomAccessFile("/dev/null","rw");
    int fdn = sun.misc.Unsafe.class != null ? openNull() : 0;
    FileDescriptor nfd = new FileDescriptor(fdn);
    long addr = buf.address();
    for (int round=0; round<3; round++) {
      long t=System.nanoTime(); long s=0;
      for (int i=0;i<n;i++) s+=nfd.writeAddress(addr,0,80);
      long t1=System.nanoTime();
      for (int i=0;i<n;i++) s+=(long)plain.invokeExact(st,fdn,addr,80L);
      long t2=System.nanoTime();
      for (int i=0;i<n;i++) s+=(long)crit.invokeExact(fdn,addr,80L);
      long t3=System.nanoTime();
      for (int i=0;i<n;i++) s+=(long)critCap.invokeExact(st,fdn,addr,80L);
      long t4=System.nanoTime();
      for (int i=0;i<n;i++) s+=(int)getpid.invokeExact();
      long t5=System.nanoTime();
      for (int i=0;i<n;i++) s+=(int)getpidC.invokeExact();
      long t6=System.nanoTime();
      System.out.printf("jni %.1f ffm+errno %.1f crit %.1f crit+errno %.1f | getppid ffm %.1f crit %.1f ns  (%d)%n",(t1-t)/(double)n,(t2-t1)/(double)n,(t3-t2)/(double)n,(t4-t3)/(double)n,(t5-t4)/(double)n,(t6-t5)/(double)n,s);
    }
  }
  static int openNull() throws Throwable {
    Linker L = Linker.nativeLinker();
    MethodHandle open = L.downcallHandle(L.defaultLookup().find("open").get(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    return (int) open.invokeExact(Arena.global().allocateFrom("/dev/null"), 2);
  }
}
