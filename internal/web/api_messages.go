package web

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
)

// The JSON API speaks Chinese in every error, not only in the ones its handlers write: huma's own answers (a body
// that is not JSON, a missing field, a value out of range, a body too large) are problem details too, and a
// developer of a 12345 hotline or an OA system reads them beside the console's messages. huma keeps its messages in
// package variables and makes every error through huma.NewError; both are set here, once, before any API is
// mounted.
func init() {
	validation.MsgUnexpectedProperty = "不认识的字段"
	validation.MsgExpectedRFC3339DateTime = "应为 RFC 3339 日期时间，如 2026-03-02T08:00:00+08:00"
	validation.MsgExpectedRFC3339Date = "应为日期，如 2026-03-02"
	validation.MsgExpectedRFC3339Time = "应为时间，如 08:00:00+08:00"
	validation.MsgExpectedRFC5322Email = "应为电子邮箱地址：%v"
	validation.MsgExpectedRFC3986URI = "应为网址：%v"
	validation.MsgExpectedBoolean = "应为 true 或 false"
	validation.MsgExpectedNumber = "应为数字"
	validation.MsgExpectedInteger = "应为整数"
	validation.MsgExpectedString = "应为文字（字符串）"
	validation.MsgExpectedArray = "应为数组"
	validation.MsgExpectedObject = "应为 JSON 对象"
	validation.MsgExpectedArrayItemsUnique = "数组中的值不能重复"
	validation.MsgExpectedOneOf = "应为以下之一：%s"
	validation.MsgExpectedMinimumNumber = "应不小于 %v"
	validation.MsgExpectedExclusiveMinimumNumber = "应大于 %v"
	validation.MsgExpectedMaximumNumber = "应不大于 %v"
	validation.MsgExpectedExclusiveMaximumNumber = "应小于 %v"
	validation.MsgExpectedMinLength = "长度应不少于 %d"
	validation.MsgExpectedMaxLength = "长度应不超过 %d"
	validation.MsgExpectedMatchPattern = "格式不正确（应符合 %s）"
	validation.MsgExpectedMinItems = "至少应有 %d 项"
	validation.MsgExpectedMaxItems = "至多 %d 项"
	validation.MsgExpectedRequiredProperty = "缺少必填字段 %s"
	validation.MsgExpectedDependentRequiredProperty = "填写 %[2]s 时须同时填写 %[1]s"
	validation.MsgExpectedMatchAtLeastOneSchema = "值不符合任何一种允许的格式"
	validation.MsgExpectedMatchExactlyOneSchema = "值不符合任何一种允许的格式"

	english := huma.NewError
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		se := english(status, apiMessage(msg), errs...)
		if m, ok := se.(*huma.ErrorModel); ok {
			if t := apiStatusTitles[status]; t != "" {
				m.Title = t
			}
			for _, d := range m.Errors {
				if d != nil {
					d.Message = apiMessage(d.Message)
				}
			}
		}
		return se
	}
}

// apiStatusTitles are the problem titles in Chinese for the statuses the API answers with.
var apiStatusTitles = map[int]string{
	http.StatusBadRequest: "请求有误", http.StatusUnauthorized: "未认证", http.StatusForbidden: "无权操作", http.StatusNotFound: "未找到",
	http.StatusNotAcceptable: "无法提供该格式", http.StatusRequestTimeout: "请求超时", http.StatusConflict: "冲突", http.StatusPreconditionFailed: "版本已变化",
	http.StatusRequestEntityTooLarge: "请求内容过大", http.StatusUnsupportedMediaType: "不支持的内容类型", http.StatusUnprocessableEntity: "内容不符合要求",
	http.StatusPreconditionRequired: "缺少版本条件", http.StatusTooManyRequests: "请求过于频繁", http.StatusInternalServerError: "系统内部错误",
	http.StatusServiceUnavailable: "暂时无法处理",
}

var (
	reTooLarge    = regexp.MustCompile(`^request body is too large limit=(\d+) bytes$`)
	reJSONSyntax  = regexp.MustCompile(`^(invalid character .*|unexpected end of JSON input|unexpected EOF)$`)
	reJSONType    = regexp.MustCompile(`^json: cannot unmarshal (\w+) into Go (?:struct field \S+ of type|value of type) (\S+)$`)
	reUnsupported = regexp.MustCompile(`^unsupported (?:content|media) type`)
)

// apiMessage is huma's English message in Chinese; a message already in Chinese (the handlers' own) is kept.
func apiMessage(msg string) string {
	switch msg {
	case "validation failed":
		return "请求内容不符合要求：见 errors 中各字段的说明"
	case "request body is required":
		return "缺少请求内容：请以 JSON 提交"
	case "request body read timeout":
		return "读取请求内容超时"
	case "cannot read request body":
		return "无法读取请求内容"
	case "unexpected error occurred":
		return "系统内部错误"
	case "unable to marshal response":
		return "无法按所要求的格式（Accept）返回内容：请使用 application/json"
	}
	if m := reTooLarge.FindStringSubmatch(msg); m != nil {
		return "请求内容过大：上限为 " + m[1] + " 字节"
	}
	if reJSONSyntax.MatchString(msg) {
		return "请求内容不是正确的 JSON（" + msg + "）"
	}
	if m := reJSONType.FindStringSubmatch(msg); m != nil {
		return "JSON 中的值类型不对：给出的是 " + m[1] + "，应为 " + strings.TrimPrefix(m[2], "*")
	}
	if reUnsupported.MatchString(msg) {
		return "不支持的内容类型：请以 application/json 提交"
	}
	return msg
}
