import java.lang.reflect.*;
import sun.misc.Unsafe;
public class Offsets {
  public static void main(String[] a) throws Exception {
    Field f = Unsafe.class.getDeclaredField("theUnsafe"); f.setAccessible(true);
    Unsafe u = (Unsafe) f.get(null);
    Class<?> c = Class.forName("org.jmiredo.peer.PeerTable$Segment");
    java.util.TreeMap<Long,String> m = new java.util.TreeMap<>();
    for (Class<?> k = c; k != Object.class; k = k.getSuperclass())
      for (Field x : k.getDeclaredFields()) if (!Modifier.isStatic(x.getModifiers())) m.put(u.objectFieldOffset(x), k.getSimpleName()+"."+x.getName());
    m.forEach((o,n) -> System.out.println(o+" "+n));
  }
}
