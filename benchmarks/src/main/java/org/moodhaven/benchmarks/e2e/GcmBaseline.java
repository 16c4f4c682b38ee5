package org.moodhaven.benchmarks.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import org.moodhaven.api.crypto.AesGcm;
import org.moodhaven.api.crypto.CryptoProvider;

/**
 * Baseline (b) of the benchmark: the same number of bytes as a sync moved, pushed
 * through AES-256-GCM over a loopback socket, sealed and opened in frames the size of
 * a full ENTRIES frame, with nothing else: the floor of what moving those bytes costs.
 */
final class GcmBaseline {

    /** About one ENTRIES frame of 256 entries of 1 KiB. */
    static final int FRAME = 420 * 1024;

    private GcmBaseline() {
    }

    /**
     * @param crypto the provider (the node's default, the JDK's)
     * @param bytes  how many plaintext bytes to move
     * @return the wall time in milliseconds
     */
    static double run(CryptoProvider crypto, long bytes) throws Exception {
        byte[] key = crypto.randomBytes(32);
        AesGcm sealer = crypto.aesGcm(key);
        AesGcm opener = crypto.aesGcm(key);
        byte[] plaintext = crypto.randomBytes(FRAME);
        long frames = Math.max(1, (bytes + FRAME - 1) / FRAME);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            CompletableFuture<Void> receiver = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept();
                     DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(),
                             1 << 16))) {
                    for (long n = 0; n < frames; n++) {
                        byte[] body = new byte[in.readInt()];
                        in.readFully(body);
                        opener.open(nonce(n), body, 12, body.length - 12, new byte[0]);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(),
                         1 << 16))) {
                for (long n = 0; n < frames; n++) {
                    byte[] nonce = nonce(n);
                    byte[] sealed = sealer.seal(nonce, plaintext, new byte[0]);
                    out.writeInt(nonce.length + sealed.length);
                    out.write(nonce);
                    out.write(sealed);
                }
                out.flush();
                receiver.join();
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static byte[] nonce(long counter) {
        return ByteBuffer.allocate(12).putInt(0).putLong(counter).array();
    }
}
