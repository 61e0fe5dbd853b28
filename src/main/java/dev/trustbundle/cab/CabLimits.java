package dev.trustbundle.cab;

/**
 * Bounds applied while reading a cabinet, so that a hostile file cannot make the reader allocate or
 * loop without end.
 *
 * @param maxTotalSize largest total uncompressed size of all files, in bytes
 * @param maxFiles largest number of CFFILE entries
 * @param maxFolders largest number of CFFOLDER entries
 * @param maxBlocks largest number of CFDATA blocks in all folders together
 */
public record CabLimits(long maxTotalSize, int maxFiles, int maxFolders, int maxBlocks) {
  /** 64 MiB, 1024 files, 64 folders, 4096 blocks: far above anything Microsoft publishes. */
  public static final CabLimits DEFAULT = new CabLimits(64L * 1024 * 1024, 1024, 64, 4096);

  public CabLimits {
    if (maxTotalSize <= 0 || maxTotalSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxTotalSize must be between 1 and 2 GiB");
    }
    if (maxFiles <= 0 || maxFolders <= 0 || maxBlocks <= 0) {
      throw new IllegalArgumentException("cabinet limits must be positive");
    }
  }
}
