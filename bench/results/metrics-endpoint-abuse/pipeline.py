# pipeline.py HOST BURSTS SECONDS: BURSTS x 1,000 pipelined GET /metrics on one connection, never read.
import socket, sys, time
host, bursts, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((host, 9544))
burst = b'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' * 1000
sent = 0
try:
    for _ in range(bursts):
        s.sendall(burst)
        sent += 1000
except OSError as e:
    print('pipeline: the server closed the connection after', sent, 'requests sent:', e)
print('pipeline: sent', sent, 'requests')
time.sleep(seconds)
s.close()
