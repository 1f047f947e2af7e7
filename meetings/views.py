from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from .models import Meeting


class MeetingListView(ListView):
    model = Meeting
    paginate_by = 50
    template_name = "meetings/meeting_list.html"

    def get_queryset(self):
        return Meeting.objects.with_related()


class MeetingDetailView(DetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Meeting.objects.with_related(), public_id=self.kwargs["public_id"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs.get("slug") != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))
