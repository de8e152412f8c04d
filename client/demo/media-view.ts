// How the demo draws a media message: the ThumbHash placeholder at once (it travels in the message,
// so no request is needed), then the region-made thumbnail or poster over it, and the full object
// on demand (a click opens the full-size picture; audio and video stream from signed URLs).
import type { Message } from "@edge-chat/protocol";
import { thumbHashToDataURL } from "thumbhash";
import type { MediaUrl } from "./view.ts";

type MediaMessage = Extract<Message["content"], { kind: "image" | "audio" | "video" }>;

/** The placeholder as a data: URL, or undefined when there is none or it does not decode. */
export function placeholderUrl(placeholder: string | undefined): string | undefined {
  if (!placeholder) return undefined;
  try {
    const bytes = Uint8Array.from(atob(placeholder), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return undefined;
  }
}

/** Loads `key` through a fresh signed URL into `apply`; marks `element` if that fails. */
function load(mediaUrl: MediaUrl, key: string, element: HTMLElement, apply: (url: string) => void) {
  mediaUrl(key)
    .then(apply)
    .catch(() => element.classList.add("unavailable"));
}

/** A box of the picture's aspect ratio, drawn with the placeholder until the thumbnail is in. */
function frame(content: MediaMessage): HTMLDivElement {
  const box = document.createElement("div");
  box.className = `media ${content.kind}`;
  const { media } = content;
  if ("width" in media && "height" in media) {
    box.style.aspectRatio = `${media.width} / ${media.height}`;
  }
  const placeholder = placeholderUrl(media.placeholder);
  if (placeholder) {
    box.style.backgroundImage = `url(${placeholder})`;
    box.dataset.placeholder = "yes";
  }
  return box;
}

export function mediaElement(content: MediaMessage, mediaUrl: MediaUrl): HTMLElement {
  const box = frame(content);
  const { media } = content;
  if (content.kind === "image") {
    const img = document.createElement("img");
    img.alt = content.caption ?? "photo";
    img.addEventListener("load", () => box.classList.add("loaded"));
    // The thumbnail first; the full picture only when asked for.
    load(mediaUrl, media.thumbnailKey ?? media.objectKey, box, (url) => {
      img.src = url;
    });
    img.addEventListener("click", () =>
      load(mediaUrl, media.objectKey, box, (url) => {
        window.open(url, "_blank", "noopener");
      }),
    );
    box.append(img);
    return box;
  }
  if (content.kind === "audio") {
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.preload = "metadata";
    load(mediaUrl, media.objectKey, box, (url) => {
      audio.src = url;
    });
    const label = document.createElement("span");
    label.textContent = `${(content.media.durationMs / 1000).toFixed(1)} s`;
    box.append(audio, label);
    return box;
  }
  const video = document.createElement("video");
  video.controls = true;
  video.preload = "none";
  video.playsInline = true;
  if (content.media.posterKey) {
    load(mediaUrl, content.media.posterKey, box, (url) => {
      video.poster = url;
      box.classList.add("loaded");
    });
  }
  load(mediaUrl, media.objectKey, box, (url) => {
    video.src = url;
  });
  box.append(video);
  return box;
}

/** A PUT with upload progress (fetch has none): the SDK's Uploader, on XMLHttpRequest. */
export function xhrUploader(request: {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  body: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;
  onProgress?: ((sent: number, total: number) => void) | undefined;
}): Promise<{ ok: boolean; status: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) request.onProgress?.(event.loaded, event.total);
    });
    xhr.addEventListener("load", () =>
      resolve({ ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status }),
    );
    xhr.addEventListener("error", () => reject(new Error("upload failed")));
    xhr.send(request.body);
  });
}
