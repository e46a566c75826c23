//! Files on a request: the upload form of its page (one file, vetted, within the size limit),
//! and downloads for those who may read the request.

use super::files;
use super::model::RequestNumber;
use super::show::{after_action, number};
use crate::error::{AppError, FieldErrors};
use crate::web::extract::{check_csrf, Ctx};
use crate::AppState;
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt;

/// Reads a multipart upload: the CSRF field and one file, refusing files over the limit.
pub async fn read_upload(
    req: &HttpRequest,
    mut payload: Multipart,
    limit: usize,
    need_csrf: bool,
) -> Result<(String, String, Vec<u8>), AppError> {
    let mut csrf: Option<String> = None;
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(mut field) = payload
        .try_next()
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?
    {
        let name = field.name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .try_next()
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > limit {
                return Err(AppError::PayloadTooLarge);
            }
        }
        match name.as_str() {
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).to_string()),
            "file" => {
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("")
                    .to_string();
                if !filename.is_empty() {
                    let content_type = files::vet_file(&filename, &bytes)?;
                    file = Some((filename, content_type, bytes));
                }
            }
            _ => {}
        }
    }
    if need_csrf {
        check_csrf(req, csrf.as_deref())?;
    }
    file.ok_or_else(|| {
        AppError::Invalid(FieldErrors::single(
            "file",
            crate::error::Msg::new("field-file"),
        ))
    })
}

pub(super) async fn upload(
    req: HttpRequest,
    ctx: Ctx,
    payload: Multipart,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let result = match read_upload(&req, payload, state.settings.max_attachment_bytes, true).await {
        Ok((filename, content_type, bytes)) => {
            let storage = state.storage.clone();
            let user = ctx.user.clone();
            state
                .db(move |c| {
                    let sha256 = storage.put(&bytes)?;
                    let cmd = files::NewAttachmentCmd {
                        filename,
                        content_type,
                        size_bytes: bytes.len() as i64,
                        sha256,
                    };
                    files::attach(c, &user, num, cmd).map(|_| ())
                })
                .await
        }
        Err(AppError::PayloadTooLarge) => Err(AppError::Invalid(FieldErrors::single(
            "file",
            crate::error::Msg::new("field-file-too-large")
                .arg("max", state.settings.max_attachment_bytes / (1024 * 1024)),
        ))),
        Err(e) => Err(e),
    };
    after_action(&ctx, &state, num, "attachment", result).await
}

/// Sends an attachment's bytes to someone allowed to see its request.
pub async fn send_attachment(
    state: &AppState,
    user: crate::auth::CurrentUser,
    num: RequestNumber,
    id: i64,
) -> Result<HttpResponse, AppError> {
    let storage = state.storage.clone();
    let (a, bytes) = state
        .db(move |c| {
            let a = files::attachment_for_download(c, &user, num, id)?;
            let bytes = storage.get(&a.sha256)?;
            Ok((a, bytes))
        })
        .await?;
    let cd = actix_web::http::header::ContentDisposition {
        disposition: actix_web::http::header::DispositionType::Attachment,
        parameters: vec![actix_web::http::header::DispositionParam::FilenameExt(
            actix_web::http::header::ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: a.filename.clone().into_bytes(),
            },
        )],
    };
    Ok(HttpResponse::Ok()
        .content_type(files::served_type(&a.content_type))
        .insert_header(cd)
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .body(bytes))
}

pub(super) async fn download(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (raw, id) = path.into_inner();
    send_attachment(&state, ctx.user, number(&raw)?, id).await
}
