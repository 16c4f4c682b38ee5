package org.moodhaven.pairing.internal;

import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * The pairing QR code (ZXing): one matrix, drawn as an SVG image for the web UI and
 * with text block characters for a console. Error correction M, a quiet zone of 2
 * modules (the console has little room; phones read it).
 */
public final class QrCode {

    private static final int QUIET_ZONE = 2;

    private final BitMatrix matrix;

    private QrCode(BitMatrix matrix) {
        this.matrix = matrix;
    }

    /**
     * @param text what the code holds (the pairing payload is about 150 characters)
     * @return the code
     * @throws IllegalArgumentException if the text does not fit a QR code
     */
    public static QrCode of(String text) {
        try {
            return new QrCode(new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                            EncodeHintType.MARGIN, QUIET_ZONE,
                            EncodeHintType.CHARACTER_SET, "UTF-8")));
        } catch (WriterException e) {
            throw new IllegalArgumentException("the text does not fit a QR code: " + e.getMessage(), e);
        }
    }

    /**
     * @return modules per side, quiet zone included
     */
    public int size() {
        return matrix.getWidth();
    }

    /**
     * @param x column
     * @param y row
     * @return whether the module is dark
     */
    public boolean dark(int x, int y) {
        return matrix.get(x, y);
    }

    /**
     * @return an SVG image, one unit per module, dark modules as one path
     */
    public String svg() {
        int size = size();
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (dark(x, y)) {
                    path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" shape-rendering=\"crispEdges\"><rect width=\"" + size + "\" height=\"" + size
                + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }

    /**
     * Two rows of modules per line of text, with the upper and lower half blocks, dark
     * modules drawn as spaces on a light background so that it reads on a dark terminal.
     *
     * @return the lines, each ending with a newline
     */
    public String text() {
        int size = size();
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < size; y += 2) {
            for (int x = 0; x < size; x++) {
                boolean top = dark(x, y);
                boolean bottom = y + 1 < size && dark(x, y + 1);
                text.append(top ? (bottom ? ' ' : '\u2584') : (bottom ? '\u2580' : '\u2588'));
            }
            text.append('\n');
        }
        return text.toString();
    }
}
