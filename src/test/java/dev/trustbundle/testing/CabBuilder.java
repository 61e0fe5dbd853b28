package dev.trustbundle.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes cabinets (MS-CAB) in one folder, uncompressed or MSZIP, for tests; offers a reserve area
 * and lets tests break checksums. MSZIP blocks are compressed with the previous 32 KiB as the
 * dictionary, as MS-MCI requires.
 */
public final class CabBuilder {
  private final List<String> names = new ArrayList<>();
  private final List<byte[]> datas = new ArrayList<>();
  private int compression = 1;
  private int reserveHeader = -1;
  private boolean checksums = true;

  public CabBuilder add(String name, byte[] data) {
    names.add(name);
    datas.add(data);
    return this;
  }

  /** 0 none, 1 MSZIP, 2 Quantum, 3 LZX (the latter two only label the folder). */
  public CabBuilder compression(int type) {
    compression = type;
    return this;
  }

  public CabBuilder reserve(int headerBytes) {
    reserveHeader = headerBytes;
    return this;
  }

  public CabBuilder noChecksums() {
    checksums = false;
    return this;
  }

  public byte[] build() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] d : datas) {
      all.writeBytes(d);
    }
    byte[] stream = all.toByteArray();
    List<byte[]> blocks = new ArrayList<>();
    for (int off = 0; off < stream.length || blocks.isEmpty(); off += 32768) {
      int len = Math.min(32768, stream.length - off);
      byte[] raw = Arrays.copyOfRange(stream, off, off + len);
      byte[] payload = raw;
      if (compression == 1) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        if (off > 0) {
          int dict = Math.min(32768, off);
          d.setDictionary(stream, off - dict, dict);
        }
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[len + 1024];
        int n = 0;
        while (!d.finished()) {
          n += d.deflate(buf, n, buf.length - n);
        }
        d.end();
        payload = new byte[n + 2];
        payload[0] = 'C';
        payload[1] = 'K';
        System.arraycopy(buf, 0, payload, 2, n);
      }
      ByteBuffer b = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(0).putShort((short) payload.length).putShort((short) len).put(payload);
      byte[] block = b.array();
      if (checksums) {
        long sum = checksum(block, 8, payload.length) ^ (b.getInt(4) & 0xFFFFFFFFL);
        ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) sum);
      }
      blocks.add(block);
    }

    int reserveLen = reserveHeader >= 0 ? 4 + reserveHeader : 0;
    int headerLen = 36 + reserveLen;
    int folderLen = 8;
    ByteArrayOutputStream files = new ByteArrayOutputStream();
    int uoff = 0;
    for (int i = 0; i < names.size(); i++) {
      ByteBuffer f = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      f.putInt(datas.get(i).length).putInt(uoff).putShort((short) 0);
      f.putShort((short) (((2025 - 1980) << 9) | (6 << 5) | 16));
      f.putShort((short) ((17 << 11) | (56 << 5) | 5));
      f.putShort((short) 0x20);
      files.writeBytes(f.array());
      files.writeBytes(names.get(i).getBytes(StandardCharsets.ISO_8859_1));
      files.write(0);
      uoff += datas.get(i).length;
    }
    int dataStart = headerLen + folderLen + files.size();
    int total = dataStart + blocks.stream().mapToInt(x -> x.length).sum();

    ByteBuffer h = ByteBuffer.allocate(headerLen + folderLen).order(ByteOrder.LITTLE_ENDIAN);
    h.put("MSCF".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(total).putInt(0);
    h.putInt(headerLen + folderLen).putInt(0);
    h.put((byte) 3).put((byte) 1);
    h.putShort((short) 1).putShort((short) names.size());
    h.putShort((short) (reserveHeader >= 0 ? 4 : 0)).putShort((short) 0).putShort((short) 0);
    if (reserveHeader >= 0) {
      h.putShort((short) reserveHeader).put((byte) 0).put((byte) 0);
      h.put(new byte[reserveHeader]);
    }
    h.putInt(dataStart).putShort((short) blocks.size()).putShort((short) compression);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.array());
    out.writeBytes(files.toByteArray());
    blocks.forEach(out::writeBytes);
    return out.toByteArray();
  }

  static long checksum(byte[] data, int off, int len) {
    long csum = 0;
    int p = off;
    for (int i = 0; i < len / 4; i++, p += 4) {
      csum ^=
          (data[p] & 0xFFL)
              | (data[p + 1] & 0xFFL) << 8
              | (data[p + 2] & 0xFFL) << 16
              | (data[p + 3] & 0xFFL) << 24;
    }
    long rest = 0;
    for (int i = 0; i < (len & 3); i++) {
      rest = (rest << 8) | (data[p + i] & 0xFFL);
    }
    return (csum ^ rest) & 0xFFFFFFFFL;
  }
}
