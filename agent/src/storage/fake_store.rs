//! A minimal S3- and GCS-like object store for the tests: path-style `PUT` and `GET` of
//! `/bucket/key`, kept in memory, with every request's method, path and headers recorded (the
//! tests check what was signed). One request per connection.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// A request as the store received it.
#[derive(Clone, Debug)]
pub struct Received {
	pub method: String,
	pub path: String,
	/// Header names lower-cased.
	pub headers: HashMap<String, String>,
	pub body: Vec<u8>,
}

/// The store: its objects by path, and the requests it served.
#[derive(Clone, Default)]
pub struct FakeStore {
	pub objects: Arc<Mutex<HashMap<String, Vec<u8>>>>,
	pub requests: Arc<Mutex<Vec<Received>>>,
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
	let mut reader = BufReader::new(socket);
	let mut line = String::new();
	reader.read_line(&mut line).await.ok()?;
	let mut parts = line.split_whitespace();
	let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
	let mut headers = HashMap::new();
	loop {
		let mut header = String::new();
		reader.read_line(&mut header).await.ok()?;
		let header = header.trim_end();
		if header.is_empty() {
			break;
		}
		let (name, value) = header.split_once(':')?;
		headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
	}
	let mut body = Vec::new();
	if let Some(length) = headers.get("content-length").and_then(|l| l.parse::<usize>().ok()) {
		body.resize(length, 0);
		reader.read_exact(&mut body).await.ok()?;
	} else if headers.get("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
		loop {
			let mut size = String::new();
			reader.read_line(&mut size).await.ok()?;
			let size = usize::from_str_radix(size.trim(), 16).ok()?;
			let mut chunk = vec![0u8; size + 2];
			reader.read_exact(&mut chunk).await.ok()?;
			if size == 0 {
				break;
			}
			body.extend_from_slice(&chunk[..size]);
		}
	}
	Some(Received { method, path, headers, body })
}

/// `%XX` escapes decoded.
fn decode(path: &str) -> String {
	let bytes = path.as_bytes();
	let mut out = Vec::with_capacity(bytes.len());
	let mut i = 0;
	while let Some(&b) = bytes.get(i) {
		let escaped = (b == b'%').then(|| bytes.get(i + 1..i + 3)).flatten().and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
		match escaped {
			Some(byte) => {
				out.push(byte);
				i += 3;
			},
			None => {
				out.push(b);
				i += 1;
			},
		}
	}
	String::from_utf8_lossy(&out).into_owned()
}

impl FakeStore {
	/// Serve on a free local port; the endpoint's URL.
	pub async fn serve(&self) -> String {
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let address = listener.local_addr().unwrap();
		let store = self.clone();
		tokio::spawn(async move {
			loop {
				let Ok((mut socket, _)) = listener.accept().await else { return };
				let store = store.clone();
				tokio::spawn(async move {
					let Some(request) = read_request(&mut socket).await else { return };
					// The object's name: the path without its query, percent-decoded (GCS's client
					// encodes the `/` of a folder as `%2F`, as object names may hold one).
					let path = decode(request.path.split('?').next().unwrap_or_default());
					let (status, body) = match request.method.as_str() {
						"PUT" => {
							store.objects.lock().unwrap().insert(path.clone(), request.body.clone());
							("200 OK", Vec::new())
						},
						"GET" | "HEAD" => match store.objects.lock().unwrap().get(&path) {
							Some(body) => ("200 OK", body.clone()),
							None => ("404 Not Found", Vec::new()),
						},
						_ => ("405 Method Not Allowed", Vec::new()),
					};
					store.requests.lock().unwrap().push(request.clone());
					let length = if request.method == "HEAD" { 0 } else { body.len() };
					let head = format!(
						"HTTP/1.1 {status}\r\ncontent-length: {}\r\netag: \"e{}\"\r\nlast-modified: Mon, 07 Dec 2026 00:00:00 GMT\r\nconnection: close\r\n\r\n",
						body.len(),
						body.len()
					);
					let _ = socket.write_all(head.as_bytes()).await;
					let _ = socket.write_all(&body[..length]).await;
				});
			}
		});
		format!("http://{address}")
	}

	/// The object at `path` (`/bucket/key`).
	pub fn object(&self, path: &str) -> Option<Vec<u8>> {
		self.objects.lock().unwrap().get(path).cloned()
	}

	/// The `PUT` requests, in order.
	pub fn puts(&self) -> Vec<Received> {
		self.requests.lock().unwrap().iter().filter(|r| r.method == "PUT").cloned().collect()
	}
}
