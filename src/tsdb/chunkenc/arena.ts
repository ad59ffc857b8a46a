// Byte slots for the head's open chunks, carved out of large shared pages. One ArrayBuffer per
// open chunk would cost every series a typed array, an ArrayBuffer and a native backing store
// (a few hundred bytes on top of the chunk's own bytes, and malloc fragmentation as chunks
// grow); here a series holds only a page reference, an offset and a handle.
// Slots come in power-of-two sizes from 32 bytes; a page holds slots of one size. Open chunks
// grow in step (every series gets a sample per scrape), so the pages of the small sizes empty
// out together as chunks move up: an empty page goes back to a pool that any size draws from.

const MIN_SHIFT = 5;
const PAGE_SHIFT = 18;
const PAGE_BYTES = 1 << PAGE_SHIFT;
/** Handles per page: page index × SLOTS + offset / 32. */
const SLOTS = PAGE_BYTES >>> MIN_SHIFT;

/** A slot: its page's bytes, its offset there, and the handle that gives it back. */
export interface Slot {
  page: Uint8Array;
  off: number;
  handle: number;
}

class Page {
  /** Slot size while the page serves one (0: in the empty pool). */
  size = 0;
  live = 0;
  /** Bump offset: slots below it were handed out at least once. */
  next = 0;
  /** Freed slot offsets (/ 32), reused first. */
  free: Uint16Array | null = null;
  nfree = 0;
  constructor(
    readonly index: number,
    readonly bytes: Uint8Array,
  ) {}
  hasRoom(): boolean {
    return this.nfree > 0 || this.next + this.size <= PAGE_BYTES;
  }
}

export class ByteArena {
  private readonly pages: Page[] = [];
  private readonly empty: Page[] = [];
  /** Per slot size (index log2(size) - 5): pages that may have room (stale entries are skipped). */
  private readonly avail: Page[][] = [];

  static slotSize(bytes: number): number {
    return bytes <= 1 << MIN_SHIFT ? 1 << MIN_SHIFT : 1 << (32 - Math.clz32(bytes - 1));
  }

  /** A zeroed slot of slotSize(bytes) bytes. */
  alloc(bytes: number): Slot {
    const size = ByteArena.slotSize(bytes);
    if (size > PAGE_BYTES)
      throw new RangeError(`arena slot of ${bytes} bytes is larger than a page`);
    const list = (this.avail[31 - Math.clz32(size) - MIN_SHIFT] ??= []);
    let p = list[list.length - 1];
    while (p !== undefined && (p.size !== size || !p.hasRoom())) {
      list.pop();
      p = list[list.length - 1];
    }
    if (p === undefined) {
      p = this.empty.pop() ?? this.newPage();
      p.size = size;
      list.push(p);
    }
    let off: number;
    if (p.nfree > 0) off = p.free![--p.nfree]! << MIN_SHIFT;
    else {
      off = p.next;
      p.next += size;
    }
    p.live++;
    p.bytes.fill(0, off, off + size);
    return { page: p.bytes, off, handle: p.index * SLOTS + (off >>> MIN_SHIFT) };
  }

  release(handle: number): void {
    const p = this.pages[Math.floor(handle / SLOTS)]!;
    const hadRoom = p.hasRoom();
    if (--p.live === 0) {
      p.size = 0;
      p.next = 0;
      p.nfree = 0;
      p.free = null;
      this.empty.push(p);
      return;
    }
    if (p.free === null) p.free = new Uint16Array(PAGE_BYTES / p.size);
    p.free[p.nfree++] = handle % SLOTS;
    if (!hadRoom) this.avail[31 - Math.clz32(p.size) - MIN_SHIFT]!.push(p);
  }

  private newPage(): Page {
    const p = new Page(this.pages.length, new Uint8Array(PAGE_BYTES));
    this.pages.push(p);
    return p;
  }
}
