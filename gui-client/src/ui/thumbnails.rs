//! Shared images shown as thumbnails: a texture cache the log and the
//! conversations draw from. Asking for one that is not here records the
//! wish; the app fetches the file and hands it to [`Thumbnails::load`].

use std::collections::{HashMap, HashSet};
use std::path::Path;

use tertulia_shared::FileInfo;
use tertulia_shared::files::is_image;

/// Images larger than this are not fetched just for their thumbnail.
const THUMBNAIL_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Shared images as textures, by content hash, and the ones the log asked
/// for that are not here yet. Images are decoded on a thread of their own:
/// a large picture must not freeze the window.
pub struct Thumbnails {
    textures: HashMap<String, egui::TextureHandle>,
    wanted: Vec<FileInfo>,
    asked: HashSet<String>,
    decoded_tx: crossbeam_channel::Sender<(String, egui::ColorImage)>,
    decoded: crossbeam_channel::Receiver<(String, egui::ColorImage)>,
}

impl Default for Thumbnails {
    fn default() -> Self {
        let (decoded_tx, decoded) = crossbeam_channel::unbounded();
        Thumbnails {
            textures: HashMap::new(),
            wanted: Vec::new(),
            asked: HashSet::new(),
            decoded_tx,
            decoded,
        }
    }
}

impl std::fmt::Debug for Thumbnails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnails")
            .field("textures", &self.textures.len())
            .finish_non_exhaustive()
    }
}

impl Thumbnails {
    /// The images asked for and not fetched yet, for the app to fetch.
    pub fn take_wanted(&mut self) -> Vec<FileInfo> {
        std::mem::take(&mut self.wanted)
    }

    /// How many thumbnails are loaded.
    pub fn loaded(&self) -> usize {
        self.textures.len()
    }

    /// The image's thumbnail if it is loaded; otherwise it is fetched (once).
    pub fn get(&mut self, file: &FileInfo) -> Option<&egui::TextureHandle> {
        if !is_image(&file.mime) {
            return None;
        }
        if !self.textures.contains_key(&file.sha256)
            && file.size <= THUMBNAIL_MAX_BYTES
            && self.asked.insert(file.sha256.clone())
        {
            self.wanted.push(file.clone());
        }
        self.textures.get(&file.sha256)
    }

    /// Decodes the image at `path` (on a thread) as the thumbnail of
    /// `sha256`; [`Self::receive`] makes it a texture.
    pub fn load(&mut self, ctx: &egui::Context, sha256: &str, path: &Path) {
        if std::fs::metadata(path).map_or(true, |m| m.len() > THUMBNAIL_MAX_BYTES) {
            return;
        }
        let (done, ctx, sha256, path) = (
            self.decoded_tx.clone(),
            ctx.clone(),
            sha256.to_owned(),
            path.to_owned(),
        );
        let spawned = std::thread::Builder::new()
            .name("thumbnail".into())
            .spawn(move || match image::open(&path) {
                Ok(image) => {
                    let image = image.thumbnail(480, 320).to_rgba8();
                    let size = [image.width() as usize, image.height() as usize];
                    let pixels = egui::ColorImage::from_rgba_unmultiplied(size, image.as_raw());
                    let _ = done.send((sha256, pixels));
                    ctx.request_repaint();
                }
                Err(e) => tracing::debug!("no thumbnail for {}: {e}", path.display()),
            });
        if let Err(e) = spawned {
            tracing::debug!("no thumbnail: {e}");
        }
    }

    /// Turns the images decoded since the last frame into textures.
    pub fn receive(&mut self, ctx: &egui::Context) {
        for (sha256, pixels) in self.decoded.try_iter() {
            let texture = ctx.load_texture(&sha256, pixels, egui::TextureOptions::LINEAR);
            self.textures.insert(sha256, texture);
        }
    }
}
