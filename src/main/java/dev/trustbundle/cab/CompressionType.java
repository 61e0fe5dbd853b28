package dev.trustbundle.cab;

/** The compression of a cabinet folder: the low nibble of CFFOLDER.typeCompress (MS-CAB 2.2). */
public enum CompressionType {
  NONE("none"),
  MSZIP("MSZIP"),
  QUANTUM("Quantum"),
  LZX("LZX");

  private final String label;

  CompressionType(String label) {
    this.label = label;
  }

  /** The name used in messages, as MS-CAB spells it. */
  public String label() {
    return label;
  }

  static CompressionType fromTypeCompress(int typeCompress) {
    return switch (typeCompress & 0x000F) {
      case 0 -> NONE;
      case 1 -> MSZIP;
      case 2 -> QUANTUM;
      case 3 -> LZX;
      default ->
          throw new CabFormatException(
              String.format(
                  "unknown compression type %d in CFFOLDER (typeCompress 0x%04X)",
                  typeCompress & 0x000F, typeCompress));
    };
  }
}
