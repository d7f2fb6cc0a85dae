/** Messages between the main thread and the JPEG encoder worker. */
export interface EncodeRequest {
  type: 'encode';
  id: number;
  bitmap: ImageBitmap;
  width: number;
  height: number;
  quality: number;
}

export type EncodeResponse =
  | { type: 'encoded'; id: number; base64: string; bytes: number; encodeMs: number }
  | { type: 'failed'; id: number; message: string };
